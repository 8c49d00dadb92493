"""Builders of the ``multiagent.graph.*`` events the executor emits."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from locus.multiagent._graph_types import GraphEvent

if TYPE_CHECKING:
    from locus.multiagent._graph_exec import Out, Task

__all__ = ["completed_event", "graph_event", "routed_events"]


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
