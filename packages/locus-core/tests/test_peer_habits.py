"""The habits users bring from peer libraries work here (pydantic-ai, LangGraph)."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent, AgentResult, AgentRun, tool
from locus.core.errors import ModelResponseError, ValidationError
from locus.core.events import RunStartEvent, TerminateEvent, ToolCompleteEvent
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.multiagent.graph import END, START, StateGraph


@tool
def add(a: int, b: int) -> int:
    """Add two integers."""
    return a + b


def _agent() -> Agent:
    return Agent(
        model=ScriptedModel([[ToolCall(name="add", arguments={"a": 2, "b": 3})], "It is 5."]),
        tools=[add],
    )


async def test_awaiting_a_run_gives_the_result() -> None:
    run = _agent().run("2 + 3?")
    assert isinstance(run, AgentRun)
    result = await run
    assert isinstance(result, AgentResult)
    assert result.message == "It is 5."
    assert [e.result for e in result.tool_executions] == ["5"]
    assert run.result is result


async def test_iterating_a_run_gives_typed_events_then_the_result() -> None:
    run = _agent().run("2 + 3?")
    events = [event async for event in run]
    assert isinstance(events[0], RunStartEvent)
    assert any(isinstance(e, ToolCompleteEvent) for e in events)
    assert isinstance(events[-1], TerminateEvent)
    assert events[-1].final_message == run.result.message == "It is 5."


def test_sync_code_iterates_the_events() -> None:
    run = _agent().run("2 + 3?")
    events = list(run)
    assert isinstance(events[-1], TerminateEvent)
    assert run.result.message == "It is 5."


def test_sync_iteration_stopped_early_leaves_no_worker_running() -> None:
    import threading

    for event in _agent().run("2 + 3?"):
        assert isinstance(event, RunStartEvent)
        break
    assert not [t for t in threading.enumerate() if t.name == "locus-iterate-sync"]


def test_sync_iteration_raises_the_run_error() -> None:
    def broken(messages: Any, tools: Any) -> Any:
        raise ModelResponseError("the model is down")

    from locus.models import FunctionModel

    with pytest.raises(ModelResponseError, match="the model is down"):
        list(Agent(model=FunctionModel(broken)).run("hi"))


async def test_a_run_is_consumed_once_and_its_result_waits_for_the_end() -> None:
    run = _agent().run("2 + 3?")
    with pytest.raises(ValidationError, match="has not finished"):
        _ = run.result
    await run
    with pytest.raises(ValidationError, match="already awaited or iterated"):
        await run


async def test_a_compiled_graph_run_is_awaitable_and_iterable() -> None:
    graph = StateGraph(dict)
    graph.add_node("answer", lambda state: {"output": "done"})
    graph.add_edge(START, "answer").add_edge("answer", END)
    app = graph.compile()
    result = await app.run("go")
    assert isinstance(result, AgentResult)
    assert (result.message, result.stop_reason) == ("done", "graph_completed")
    events = [e async for e in app.run("go")]
    assert isinstance(events[-1], TerminateEvent)
    assert events[-1].final_message == "done"


def test_a_bare_model_name_suggests_its_provider() -> None:
    from locus.core.errors import PluginNotFoundError

    with pytest.raises(PluginNotFoundError, match="did you mean 'openai:gpt-4o'"):
        Agent(model="gpt-4o")
    with pytest.raises(PluginNotFoundError, match="did you mean 'anthropic:claude-sonnet-4-5'"):
        Agent(model="claude-sonnet-4-5")


@pytest.mark.parametrize("prompt", [None, "resume"])
def test_continuing_without_a_thread_asks_for_thread_id(prompt: str | None) -> None:
    from locus.core.command import Command

    agent = _agent()
    with pytest.raises(ValidationError, match="pass thread_id="):
        agent.run_sync(Command(resume="yes") if prompt else None)


async def test_a_graph_resume_without_a_thread_asks_for_thread_id() -> None:
    from locus.core.command import Command

    graph = StateGraph(dict)
    graph.add_node("answer", lambda state: {"output": "done"})
    graph.add_edge(START, "answer").add_edge("answer", END)
    with pytest.raises(ValidationError, match="pass thread_id="):
        await graph.compile().ainvoke(Command(resume="yes"))


def _counter() -> Any:
    graph = StateGraph(dict)
    graph.add_node("one", lambda state: {"n": 1})
    graph.add_node("two", lambda state: {"n": state["n"] + 1})
    graph.add_edge(START, "one").add_edge("one", "two").add_edge("two", END)
    return graph.compile()


def test_graph_invoke_and_stream_block_like_langgraph() -> None:
    app = _counter()
    assert app.invoke({})["n"] == 2
    assert list(app.stream({}, stream_mode="updates")) == [{"one": {"n": 1}}, {"two": {"n": 2}}]
    assert [v["n"] for v in app.stream({}, stream_mode="values")] == [1, 2]


async def test_graph_ainvoke_astream_and_execute_are_async() -> None:
    app = _counter()
    assert (await app.ainvoke({}))["n"] == 2
    assert (await app.execute({}))["n"] == 2
    assert [u async for u in app.astream({})] == [{"one": {"n": 1}}, {"two": {"n": 2}}]
    assert app.invoke({})["n"] == 2  # blocking works inside a running loop too


def test_tool_executions_keep_the_validated_arguments() -> None:
    agent = Agent(
        model=ScriptedModel([[ToolCall(name="add", arguments={"a": "2", "b": 3})], "5"]),
        tools=[add],
    )
    (execution,) = agent.run_sync("2 + 3?").tool_executions
    assert execution.arguments == {"a": 2, "b": 3}
    assert execution.result == "5"


async def test_graph_state_snapshot_names_its_sqlite_checkpoint(tmp_path: Any) -> None:
    from locus.checkpoint.sqlite import SQLiteCheckpointer

    graph = StateGraph(dict)
    graph.add_node("one", lambda state: {"n": 1})
    graph.add_edge(START, "one").add_edge("one", END)
    async with SQLiteCheckpointer(tmp_path / "graphs.db") as checkpointer:
        app = graph.compile(checkpointer=checkpointer)
        result = await app.ainvoke({}, thread_id="t1")
        snapshot = await app.get_state("t1")
        assert snapshot is not None
        assert snapshot.checkpoint_id == result.checkpoint_id
        assert snapshot.checkpoint_id in await checkpointer.list_checkpoints("t1")


def test_think_events_do_not_repeat_the_content_as_reasoning() -> None:
    from locus.core.events import ThinkEvent

    thinks = [e for e in Agent(model="test").run("hi") if isinstance(e, ThinkEvent)]
    assert thinks
    assert all(e.reasoning is None for e in thinks)
    assert thinks[-1].content


def test_a_resumed_run_counts_the_crashed_turn_once() -> None:
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.models import FunctionModel

    calls: list[int] = []

    def flaky(messages: Any, tools: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            raise ModelResponseError("the model is down")
        return "fine"

    agent = Agent(model=FunctionModel(flaky), checkpointer=MemoryCheckpointer())
    with pytest.raises(ModelResponseError):
        agent.run_sync("hi", thread_id="t1")
    result = agent.resume_sync("t1")
    assert (result.message, result.iterations) == ("fine", 1)
