"""A graph run publishes multiagent.graph.completed at END and .interrupted when paused."""

from __future__ import annotations

from typing import Any

from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.command import Command
from locus.core.interrupt import interrupt
from locus.multiagent.graph import END, START, StateGraph
from locus.observability import get_event_bus, run_context


def _graph() -> Any:
    g = StateGraph(dict)
    g.add_node("plan", lambda s: {"plan": 1})
    g.add_node("ask", lambda s: {"answer": interrupt("approve?")})
    g.add_edge(START, "plan").add_edge("plan", "ask").add_edge("ask", END)
    return g.compile(name="approvals", checkpointer=MemoryCheckpointer())


async def test_graph_interrupted_then_completed_events() -> None:
    graph = _graph()
    async with run_context() as rid:
        paused = await graph.ainvoke({}, thread_id="t", raise_on_interrupt=False)
        await graph.ainvoke(Command(resume="yes"), thread_id="t")
    events = [(e.event_type, e.data) for e in get_event_bus().history(rid)]
    lifecycle = [
        (t, d)
        for t, d in events
        if t in ("multiagent.graph.interrupted", "multiagent.graph.completed")
    ]
    (interrupt_value,) = paused.interrupts
    assert lifecycle == [
        (
            "multiagent.graph.interrupted",
            {
                "node": "ask",
                "interrupt_id": interrupt_value.interrupt_id,
                "payload": "approve?",
            },
        ),
        ("multiagent.graph.completed", {"graph": "approvals", "steps": 2}),
    ]
