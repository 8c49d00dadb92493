"""Every pattern has the Agent surface and works as a tool and as a graph node."""

from __future__ import annotations

from typing import Any, TypedDict

import pytest

from locus import Agent
from locus.core.messages import ToolCall
from locus.models import FunctionModel, ScriptedModel
from locus.multiagent.debate import Debate
from locus.multiagent.graph import END, START, StateGraph
from locus.multiagent.handoff import create_handoff_agent, create_handoff_manager
from locus.multiagent.orchestrator import Orchestrator
from locus.multiagent.specialist import Specialist
from locus.multiagent.swarm import Swarm, SwarmAgent


def answer(text: str) -> FunctionModel:
    return FunctionModel(lambda messages, tools: text)


def make(pattern: str) -> Any:
    if pattern == "orchestrator":
        return Orchestrator(name="p", specialists=[Specialist(name="a", model=answer("ANSWER"))])
    if pattern == "swarm":
        return Swarm(name="p", agents=[SwarmAgent(name="a", model=answer("ANSWER"))])
    if pattern == "handoff":
        return create_handoff_manager([create_handoff_agent("a", model=answer("ANSWER"))])
    judge = answer('{"winner": "x", "answer": "ANSWER"}')
    return Debate(
        name="p",
        debaters=[Agent(model=answer("x"), name="x"), Agent(model=answer("y"), name="y")],
        judge=judge,
        rounds=1,
    )


PATTERNS = ["orchestrator", "swarm", "handoff", "debate"]


@pytest.mark.parametrize("pattern", PATTERNS)
async def test_agent_surface(pattern: str) -> None:
    events = [e async for e in make(pattern).run("task")]
    assert events[-1].event_type == "agent.terminate"
    assert "ANSWER" in events[-1].final_message  # type: ignore[attr-defined]
    assert any(e.event_type.startswith("multiagent.graph.node") for e in events)
    result = await make(pattern).invoke("task")
    assert "ANSWER" in result.text
    assert result.structured_output is not None
    assert "ANSWER" in make(pattern).run_sync("task").text


@pytest.mark.parametrize("pattern", PATTERNS)
async def test_usable_as_a_tool_and_as_a_graph_node(pattern: str) -> None:
    the_tool = make(pattern).as_tool(name="helper")
    caller = Agent(
        model=ScriptedModel([ToolCall(name="helper", arguments={"prompt": "task"}), "done"]),
        tools=[the_tool],
    )
    result = await caller.invoke("go")
    assert "ANSWER" in result.tool_executions[0].result

    class S(TypedDict):
        input: str
        output: str

    graph = StateGraph(S)
    graph.add_node("pattern", make(pattern))
    graph.add_edge(START, "pattern").add_edge("pattern", END)
    assert "ANSWER" in (await graph.compile().ainvoke({"input": "task"}))["output"]


async def test_copies_with_another_model_use_it() -> None:
    first = Orchestrator(
        specialists=[Specialist(name="a", model=answer("A"))],
        model=answer('{"specialists": ["a"]}'),
    )
    await first.execute("warm the caches")
    second = first.with_model(
        FunctionModel(
            lambda m, t: (
                '{"specialists": ["a"]}' if "coordinate" in (m[0].content or "") else "SECOND"
            )
        )
    )
    assert (await second.execute("task")).summary == "SECOND"
    judge_one = answer('{"winner": "x", "answer": "ONE"}')
    debate = Debate(
        debaters=[Agent(model=answer("x"), name="x"), Agent(model=answer("y"), name="y")],
        judge=judge_one,
        rounds=1,
    )
    assert (await debate.execute("t")).summary == "ONE"
    other = debate.model_copy(update={"judge": answer('{"winner": "y", "answer": "TWO"}')})
    assert (await other.execute("t")).summary == "TWO"
