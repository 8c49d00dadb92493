"""Ready-made hooks: logging, guardrails, steering.

Pass them as ``Agent(hooks=[...])``; their ``priority`` (see
:class:`locus.hooks.HookPriority`) orders them: guardrails and steering see
a call before logging records it. The OpenTelemetry ``TelemetryHook`` ships
in ``locus-otel`` (``locus.otel``).
"""

from __future__ import annotations

from locus.hooks.builtin.guardrails import (
    ContentFilterHook,
    ContentPolicy,
    GuardrailAction,
    GuardrailConfig,
    GuardrailsHook,
    GuardrailViolation,
    OutputFilterHook,
    TopicPolicy,
)
from locus.hooks.builtin.logging import LoggingHook, StructuredLoggingHook
from locus.hooks.builtin.retry import ModelRetryHook
from locus.hooks.builtin.steering import (
    SteeringAction,
    SteeringContext,
    SteeringDecision,
    SteeringHook,
)

__all__ = [
    "ContentFilterHook",
    "ContentPolicy",
    "GuardrailAction",
    "GuardrailConfig",
    "GuardrailViolation",
    "GuardrailsHook",
    "LoggingHook",
    "ModelRetryHook",
    "OutputFilterHook",
    "SteeringAction",
    "SteeringContext",
    "SteeringDecision",
    "SteeringHook",
    "StructuredLoggingHook",
    "TopicPolicy",
]
