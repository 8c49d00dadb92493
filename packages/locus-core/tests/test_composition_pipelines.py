"""SequentialPipeline, ParallelPipeline, LoopAgent with real Agents; agents as tools."""

from __future__ import annotations

from typing import Annotated, TypedDict

import pytest

from locus.agent import Agent
from locus.agent.composition import LoopAgent, ParallelPipeline, SequentialPipeline
from locus.core.errors import ValidationError
from locus.core.messages import ToolCall
from locus.core.reducers import add_messages
from locus.core.termination import TextMention
from locus.models import FunctionModel, ScriptedModel
from locus.multiagent.graph import END, START, StateGraph


def echo(prefix: str) -> Agent:
    def reply(messages, tools):  # type: ignore[no-untyped-def]
        return f"{prefix}({messages[-1].content})"

    return Agent(model=FunctionModel(reply), name=prefix)


async def test_sequential_feeds_each_output_to_the_next() -> None:
    pipe = SequentialPipeline([echo("a"), echo("b")])
    result = await pipe.invoke("x")
    assert result.text == "b(a(x))"
    events = [e async for e in pipe.run("y")]
    assert events[-1].event_type == "agent.terminate"
    assert events[-1].final_message == "b(a(y))"


async def test_parallel_merges_with_function_and_agent() -> None:
    pipe = ParallelPipeline([echo("a"), echo("b")], merge=lambda outs: "+".join(outs))
    assert (await pipe.invoke("x")).text == "a(x)+b(x)"
    judge = Agent(model=ScriptedModel(["merged"]), name="judge")
    assert (
        await ParallelPipeline([echo("a"), echo("b")], merge=judge).invoke("x")
    ).text == "merged"


async def test_loop_until_text_or_condition_and_bounded() -> None:
    agent = Agent(model=ScriptedModel(["FAIL", "FAIL", "PASS"]))
    result = await LoopAgent(agent, until="PASS", max_loops=5).invoke("go")
    assert result.text == "PASS"
    assert result.iterations == 3
    agent2 = Agent(model=ScriptedModel(["no", "DONE now"]))
    result2 = await LoopAgent(agent2, until=TextMention("DONE"), max_loops=5).invoke("go")
    assert result2.iterations == 2
    bounded = await LoopAgent(echo("z"), until="never", max_loops=2).invoke("q")
    assert bounded.iterations == 2
    assert bounded.stop_reason == "max_loops(2)"
    with pytest.raises(ValidationError):
        LoopAgent(echo("z"), max_loops=0)


async def test_composition_events_on_the_bus() -> None:
    from locus.observability import get_event_bus, run_context

    async with run_context() as run_id:
        await SequentialPipeline([echo("a")], name="p").invoke("x")
        await ParallelPipeline([echo("a")]).invoke("x")
        await LoopAgent(echo("a"), until="a", max_loops=2).invoke("x")
    types = {e.event_type for e in get_event_bus().history(run_id)}
    assert {
        "composition.sequential.started",
        "composition.sequential.step",
        "composition.sequential.completed",
        "composition.parallel.completed",
        "composition.loop.iteration",
        "composition.loop.completed",
    } <= types


async def test_agent_as_tool_recursively() -> None:
    leaf = echo("leaf")
    middle = Agent(
        model=ScriptedModel(
            [ToolCall(id="c1", name="leaf", arguments={"prompt": "deep"}), "middle done"]
        ),
        tools=[leaf.as_tool()],
        name="middle",
    )
    top = Agent(
        model=ScriptedModel(
            [ToolCall(id="c2", name="middle", arguments={"prompt": "go"}), "top done"]
        ),
        tools=[middle.as_tool()],
    )
    result = await top.invoke("start")
    assert result.text == "top done"
    assert [t.name for t in result.tool_executions] == ["middle"]
    assert "middle done" in result.tool_executions[0].result


async def test_agent_as_graph_node_and_graph_as_agent() -> None:
    class Chat(TypedDict, total=False):
        messages: Annotated[list, add_messages]

    g = StateGraph(Chat)
    g.add_node("writer", echo("w"))
    g.add_edge(START, "writer").add_edge("writer", END)
    app = g.compile()
    out = await app.ainvoke("hello")
    assert out["messages"][-1].content == "w(hello)"
    # the compiled graph is agent-like: usable in a pipeline and via run_sync
    assert (await SequentialPipeline([app, echo("b")]).invoke("x")).text == "b(w(x))"
    events = [e async for e in app.run("hi")]
    assert events[-1].final_message == "w(hi)"
    assert app.as_tool().name == app.name
