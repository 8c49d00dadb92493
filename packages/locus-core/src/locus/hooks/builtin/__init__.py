"""Ready-made hooks: logging, guardrails, steering.

Pass them as ``Agent(hooks=[...])``; their ``priority`` (see
:class:`locus.hooks.HookPriority`) orders them: guardrails and steering see
a call before logging records it. The OpenTelemetry ``TelemetryHook``,
``NoOpTelemetryHook`` and ``create_telemetry_hook`` ship in ``locus-otel``
(``locus.otel``) and resolve here once it is installed (``ImportError`` naming
it otherwise), as from :mod:`locus.hooks.builtin.telemetry`.
"""

from __future__ import annotations

import importlib
from typing import Any

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

_TELEMETRY = frozenset({"NoOpTelemetryHook", "TelemetryHook", "create_telemetry_hook"})


def __getattr__(name: str) -> Any:
    if name in _TELEMETRY:  # served by locus-otel, through locus.hooks.builtin.telemetry
        return getattr(importlib.import_module("locus.hooks.builtin.telemetry"), name)
    raise AttributeError(f"module 'locus.hooks.builtin' has no attribute {name!r}")
