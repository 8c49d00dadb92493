"""The original locus's ``locus.hooks.provider`` path.

``HookProvider`` here is :class:`locus.hooks.HookProvider` that also accepts
the original's method names: a subclass overriding ``on_before_tool_call``
(``on_after_tool_call``, ``on_before_invocation``, ``on_after_invocation``,
``on_before_model_call``, ``on_after_model_call``) has it called at that hook
point, with our event objects (see ``docs/migrating.md``), and so are
``on_iteration_start``/``on_iteration_end``.
"""

from __future__ import annotations

from typing import Any

from locus.hooks._base import (
    AfterModelCallEvent,
    AfterToolCallEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    IterationEndEvent,
    IterationStartEvent,
)
from locus.hooks._base import HookProvider as _HookProvider

__all__ = [
    "AfterModelCallEvent",
    "AfterToolCallEvent",
    "BeforeModelCallEvent",
    "BeforeToolCallEvent",
    "HookPriority",
    "HookProvider",
    "IterationEndEvent",
    "IterationStartEvent",
]

# the original's method name -> our hook point
_POINTS = {
    "on_before_invocation": "before_invocation",
    "on_after_invocation": "after_invocation",
    "on_before_model_call": "before_model_call",
    "on_after_model_call": "after_model_call",
    "on_before_tool_call": "before_tool_call",
    "on_after_tool_call": "after_tool_call",
    "on_iteration_start": "iteration_start",
    "on_iteration_end": "iteration_end",
}


def _forward(original: str) -> Any:
    def point(self: Any, event: Any) -> Any:
        return getattr(self, original)(event)

    point.__name__ = _POINTS[original]
    return point


class HookProvider(_HookProvider):
    """:class:`locus.hooks.HookProvider` that also calls the original's ``on_*`` methods."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for original, point in _POINTS.items():
            overrides_original = original in vars(cls)
            if overrides_original and point not in vars(cls):
                setattr(cls, point, _forward(original))
