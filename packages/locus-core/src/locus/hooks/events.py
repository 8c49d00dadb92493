"""The original locus's ``locus.hooks.events`` path: the events hook points receive.

Every hook event is a :class:`HookEvent` (the agent and its run's state);
``IterationStartEvent`` / ``IterationEndEvent`` go to the ``iteration_start`` /
``iteration_end`` points (``on_iteration_start`` / ``on_iteration_end`` on a
:class:`locus.hooks.provider.HookProvider`). ``LocusEvent`` is the base of the
typed run events (:mod:`locus.core.events`). See ``docs/migrating.md``.
"""

from __future__ import annotations

from locus.core.events import LocusEvent
from locus.hooks._base import (
    AfterInvocationEvent,
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeToolCallEvent,
    HookEvent,
    IterationEndEvent,
    IterationStartEvent,
)

__all__ = [
    "AfterInvocationEvent",
    "AfterToolCallEvent",
    "BeforeInvocationEvent",
    "BeforeToolCallEvent",
    "HookEvent",
    "IterationEndEvent",
    "IterationStartEvent",
    "LocusEvent",
]
