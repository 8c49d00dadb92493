"""Ready-made hooks: logging, guardrails, steering.

Pass them as ``Agent(hooks=[...])``; their ``priority`` (see
:class:`locus.hooks.HookPriority`) orders them: guardrails and steering see
a call before logging records it. The OpenTelemetry ``TelemetryHook`` ships
in ``locus-otel`` (``locus.otel``).
"""

from __future__ import annotations

from locus.hooks.builtin.logging import LoggingHook, StructuredLoggingHook

__all__ = ["LoggingHook", "StructuredLoggingHook"]
