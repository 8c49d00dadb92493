"""What ``locus otel`` prints: the SDK, the global providers and the ``OTEL_*`` settings."""

from __future__ import annotations

import os
from importlib import metadata

from opentelemetry import metrics, trace

__all__ = ["status_lines"]

_SETTINGS = (
    "OTEL_SDK_DISABLED",
    "OTEL_SERVICE_NAME",
    "OTEL_TRACES_EXPORTER",
    "OTEL_METRICS_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
)


def status_lines() -> list[str]:
    """One line per fact: versions, enabled, the global providers, the OTEL_* variables set."""
    disabled = os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true"
    lines = [
        f"opentelemetry-sdk {metadata.version('opentelemetry-sdk')}",
        f"telemetry: {'disabled (OTEL_SDK_DISABLED=true)' if disabled else 'enabled'}",
        f"tracer provider: {type(trace.get_tracer_provider()).__name__}",
        f"meter provider: {type(metrics.get_meter_provider()).__name__}",
    ]
    lines += [f"{name}={os.environ[name]}" for name in _SETTINGS if name in os.environ]
    return lines
