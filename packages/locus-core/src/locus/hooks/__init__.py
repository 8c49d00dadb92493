"""Lifecycle hooks: observe or steer an agent at its invocation, model-call and tool-call points.

Subclass :class:`HookProvider`, override the points you need and pass
instances as ``Agent(hooks=[...])``. A hook changes behaviour only through
what it returns: a :class:`ToolCallDecision` (replace arguments, cancel), a
:class:`ModelCallDecision` (replace messages, answer instead of the model), a
replacement result, or by wrapping the call (``around_model_call``, as
:class:`ModelRetry` does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from locus.hooks._base import (
    HOOK_POINTS,
    AfterInvocationEvent,
    AfterModelCallEvent,
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookEvent,
    HookPriority,
    HookProvider,
    IterationEndEvent,
    IterationStartEvent,
    ModelCall,
    ModelCallDecision,
    ToolCallDecision,
)
from locus.hooks._registry import HookRegistry

if TYPE_CHECKING:
    from locus.hooks.retry import ModelRetry

__all__ = [
    "HOOK_POINTS",
    "AfterInvocationEvent",
    "AfterModelCallEvent",
    "AfterToolCallEvent",
    "BeforeInvocationEvent",
    "BeforeModelCallEvent",
    "BeforeToolCallEvent",
    "HookEvent",
    "HookPriority",
    "HookProvider",
    "HookRegistry",
    "IterationEndEvent",
    "IterationStartEvent",
    "ModelCall",
    "ModelCallDecision",
    "ModelRetry",
    "ToolCallDecision",
    "create_registry",
]


def __getattr__(name: str) -> Any:
    # ModelRetry pulls in the retry policy and failover classification: load on use
    if name == "ModelRetry":
        from locus.hooks.retry import ModelRetry

        return ModelRetry
    if name == "create_registry":
        from locus.hooks.registry import create_registry

        return create_registry
    raise AttributeError(f"module 'locus.hooks' has no attribute {name!r}")
