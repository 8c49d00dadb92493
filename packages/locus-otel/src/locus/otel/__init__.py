"""OpenTelemetry for locus: traces and metrics following the GenAI semantic conventions.

- :class:`TelemetryHook` (``Agent(hooks=[TelemetryHook()])``): a span per
  run, model call and tool call with ``gen_ai.*`` attributes; token usage,
  operation duration and tool-error metrics; the trace continues across a
  pause and a resume in another process.
- :class:`TelemetrySubscriber`: spans of graphs, graph nodes and pattern
  steps from the EventBus.
- :func:`create_telemetry_hook`: the hook, or a :class:`NoOpTelemetryHook`
  when ``OTEL_SDK_DISABLED=true``.

locus-otel uses the global tracer and meter providers unless given others;
configure exporters (OTLP, console...) with the OpenTelemetry SDK.
"""

from __future__ import annotations

from locus.otel._carrier import TRACE_KEY
from locus.otel._hook import NoOpTelemetryHook, TelemetryHook, create_telemetry_hook
from locus.otel._subscriber import TelemetrySubscriber

__all__ = [
    "TRACE_KEY",
    "NoOpTelemetryHook",
    "TelemetryHook",
    "TelemetrySubscriber",
    "create_telemetry_hook",
]
