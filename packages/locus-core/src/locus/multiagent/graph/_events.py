"""Graph events: the ``multiagent.graph.*`` events the executor emits, and those nodes report."""

from __future__ import annotations

import time
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from locus.multiagent.graph._types import GraphEvent

if TYPE_CHECKING:
    from locus.core.events import LocusEvent
    from locus.multiagent.graph._tasks import Out, Task

__all__ = [
    "CUSTOM_EVENT",
    "STEP_EVENTS",
    "completed_event",
    "emit_custom",
    "graph_event",
    "publish_node_event",
    "publish_typed_event",
    "routed_events",
]

CUSTOM_EVENT = "multiagent.graph.custom"
"""``event_type`` of what :func:`emit_custom` reports."""

STEP_EVENTS: ContextVar[list[LocusEvent] | None] = ContextVar("locus_graph_step", default=None)


def publish_node_event(event_type: str, **data: Any) -> None:
    """Report an event from inside a running node.

    The graph publishes it on the EventBus (inside ``run_context()``) and
    yields it in ``"events"``/``"debug"`` streams, after the node's step, in
    the order reported. A no-op (nothing allocated) when nobody listens.
    """
    events = STEP_EVENTS.get()
    if events is not None:
        events.append(graph_event(event_type, **data))


def publish_typed_event(event: LocusEvent) -> None:
    """Report a typed event (a :class:`~locus.core.events.LocusEvent`) from inside a running node.

    As :func:`publish_node_event`, but the ``"events"``/``"debug"`` streams
    yield ``event`` itself (so a consumer matches on its class) and the
    EventBus gets its ``bus_data()``.
    """
    events = STEP_EVENTS.get()
    if events is not None:
        events.append(event)


def emit_custom(data: Any, *, node_id: str | None = None) -> None:
    """Send ``data`` to ``astream(..., stream_mode="custom")`` from inside a node.

    It is also published on the EventBus as ``multiagent.graph.custom``.
    Outside a graph step, or when nobody streams or listens, it does nothing.

    Args:
        data: Any value (progress, partial results...).
        node_id: The node it comes from, as the consumer should see it.
    """
    events = STEP_EVENTS.get()
    if events is not None:
        events.append(graph_event(CUSTOM_EVENT, node=node_id, data=data))


def graph_event(event_type: str, **data: Any) -> GraphEvent:
    """A graph event of ``event_type`` carrying ``data``."""
    return GraphEvent(event_type=event_type, data=data)


def completed_event(task: Task, out: Out, step: int, started: float) -> GraphEvent:
    """``multiagent.graph.node.completed`` for a finished task."""
    return graph_event(
        "multiagent.graph.node.completed",
        node=task.node,
        step=step,
        duration_ms=(time.perf_counter() - started) * 1000.0,
        updates=sorted(out.update),
    )


def routed_events(done: list[Task], nxt: list[Task], step: int) -> list[GraphEvent]:
    """``routed`` events of a finished superstep, and ``send`` counts of the next."""
    targets = sorted({t.node for t in nxt})
    events = [
        graph_event("multiagent.graph.node.routed", node=node, targets=targets, step=step)
        for node in dict.fromkeys(t.node for t in done)
    ]
    sends: dict[str, int] = {}
    for task in nxt:
        if task.is_send:
            sends[task.node] = sends.get(task.node, 0) + 1
    events.extend(
        graph_event("multiagent.graph.send", node=n, count=c, step=step) for n, c in sends.items()
    )
    return events
