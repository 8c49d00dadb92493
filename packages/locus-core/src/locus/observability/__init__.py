"""In-process observability: run contexts, the EventBus and the event catalogue.

Open a run with :func:`run_context`; everything locus does inside it (agent
turns, tool calls, graph steps, checkpoints...) is published on the
process-wide :class:`EventBus` under the run id::

    async with run_context() as rid:
        result = agent.run_sync("...")
        async for ev in get_event_bus().subscribe(rid):
            print(ev.seq, ev.event_type, ev.data)

Outside a run context publishing is a no-op that allocates nothing.
``EVENT_CATALOGUE`` lists every canonical event type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from locus.observability._bus import BusEvent, EventBus, Subscription
from locus.observability._context import (
    activity,
    current_run_id,
    emit,
    get_event_bus,
    parent_run_id,
    publish_event,
    run_context,
    set_event_bus,
)
from locus.observability._trace_context import TRACE_CONTEXT_KEY, trace_ids

if TYPE_CHECKING:
    from locus.observability._catalogue import (
        EVENT_CATALOGUE,
        EVENT_PREFIXES,
        EventSpec,
        describe_event,
    )

__all__ = [
    "EVENT_CATALOGUE",
    "EVENT_PREFIXES",
    "TRACE_CONTEXT_KEY",
    "BusEvent",
    "EventBus",
    "EventSpec",
    "StreamEvent",
    "Subscription",
    "activity",
    "current_run_id",
    "describe_event",
    "emit",
    "emit_sync",
    "get_event_bus",
    "parent_run_id",
    "publish_event",
    "reset_event_bus",
    "reset_run_id",
    "run_context",
    "set_event_bus",
    "set_run_id",
    "trace_ids",
]

_LAZY = {"EVENT_CATALOGUE", "EVENT_PREFIXES", "EventSpec", "describe_event"}

# the original locus's names -> the submodule serving them
_ORIGINAL = {
    "StreamEvent": "locus.observability.event_bus",
    "reset_event_bus": "locus.observability.event_bus",
    "emit_sync": "locus.observability.emit",
    "set_run_id": "locus.observability.context",
    "reset_run_id": "locus.observability.context",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from locus.observability import _catalogue

        return getattr(_catalogue, name)
    if name in _ORIGINAL:
        import importlib

        return getattr(importlib.import_module(_ORIGINAL[name]), name)
    raise AttributeError(f"module 'locus.observability' has no attribute {name!r}")
