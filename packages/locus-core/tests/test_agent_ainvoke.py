"""``Agent.ainvoke``: the async call LangGraph and pydantic-ai users reach for."""

from __future__ import annotations

from pathlib import Path

from locus import Agent, tool
from locus.agent import AgentResult
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.messages import ToolCall
from locus.models import ScriptedModel


@tool
def lookup(order: str) -> str:
    """Look an order up."""
    return f"{order}: shipped"


async def test_ainvoke_runs_the_agent_and_returns_its_result(tmp_path: Path) -> None:
    model = ScriptedModel(
        [
            [ToolCall(id="c1", name="lookup", arguments={"order": "ORD-7"})],
            "ORD-7 has shipped.",
            "You asked about ORD-7.",
        ]
    )
    agent = Agent(model=model, tools=[lookup], checkpointer=SQLiteCheckpointer(tmp_path / "t.db"))

    first = await agent.ainvoke("where is ORD-7?", thread_id="t1")
    assert isinstance(first, AgentResult)
    assert first.text == "ORD-7 has shipped."
    assert [e.result for e in first.tool_executions] == ["ORD-7: shipped"]
    assert first.thread_id == "t1"

    second = await agent.ainvoke("what did I ask?", thread_id="t1")  # same thread: continues it
    assert second.text == "You asked about ORD-7."
    texts = [m.content for m in second.state.messages if m.content]
    assert "where is ORD-7?" in texts
    assert "what did I ask?" in texts
