"""Catalogued events with a single emitter: GSAR, CausalChain, a missing checkpoint, tool progress."""

from __future__ import annotations

from typing import Any

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context
from locus.reasoning import GSAR, CausalChain
from locus.tools import ToolContext


def _events(rid: str, event_type: str) -> list[dict[str, Any]]:
    return [e.data for e in get_event_bus().history(rid) if e.event_type == event_type]


def test_gsar_publishes_its_partition() -> None:
    evidence = ["Revenue was 10 million in 2024."]
    with run_context() as rid:
        report = GSAR().evaluate("Revenue was 12 million in 2024.", evidence)
    (data,) = _events(rid, "agent.gsar")
    assert data["tier"] == report.tier.value
    total = sum(data[k] for k in ("grounded", "ungrounded", "contradicted", "complementary"))
    assert total == len(report.assessments)


def test_causal_chain_publishes_the_root_cause_it_traced() -> None:
    chain = (
        CausalChain()
        .add("bad config", "pool exhaustion", confidence=0.9)
        .add("pool exhaustion", "p99 spike", confidence=0.8)
    )
    with run_context() as rid:
        path = chain.path("p99 spike")
    assert [link.cause for link in path] == ["bad config", "pool exhaustion"]
    assert _events(rid, "agent.causal") == [
        {"root_cause": "bad config", "chain_length": 2, "confidence": 0.72}
    ]


async def test_loading_a_thread_without_checkpoint_publishes_missing() -> None:
    saver = MemoryCheckpointer()
    async with run_context() as rid:
        assert await saver.load("nobody") is None
    assert _events(rid, "memory.checkpoint.missing") == [
        {"thread_id": "nobody", "backend": saver.backend_name}
    ]


@tool
def export(rows: int, ctx: ToolContext) -> str:
    """Export rows."""
    ctx.progress("half way", fraction=0.5)
    return f"exported {rows}"


async def test_tool_progress_is_published() -> None:
    model = ScriptedModel([[ToolCall(id="e1", name="export", arguments={"rows": 10})], "done"])
    async with run_context() as rid:
        await Agent(model=model, tools=[export]).invoke("export")
    assert _events(rid, "agent.tool.progress") == [
        {"message": "half way", "fraction": 0.5, "tool_name": "export", "tool_call_id": "e1"}
    ]
