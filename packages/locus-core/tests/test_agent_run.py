"""Agent: construction errors, run/invoke/run_sync, events, termination, threads, as_tool."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from locus import Agent, AgentResult, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ConfigError, ModelResponseError, ValidationError
from locus.core.events import (
    ErrorEvent,
    ModelChunkEvent,
    ModelCompleteEvent,
    RunStartEvent,
    TerminateEvent,
    ThinkEvent,
    TokensUsedEvent,
    ToolCompleteEvent,
    ToolStartEvent,
)
from locus.core.messages import Role, ToolCall
from locus.core.termination import MaxIterations, TextMention, ToolCalled
from locus.models import FunctionModel, ScriptedModel, TestModel
from locus.observability import get_event_bus, run_context


@tool
def get_metric(name: str) -> float:
    """Return the current value of a named SRE metric."""
    return 2400.0 if name == "p99" else 0.1


def test_run_sync_returns_a_result_with_every_field() -> None:
    model = ScriptedModel(
        [[ToolCall(name="get_metric", arguments={"name": "p99"})], "p99 is 2400ms."]
    )
    agent = Agent(model=model, tools=[get_metric], system_prompt="You are an SRE.")
    result = agent.run_sync("How is p99?")
    assert isinstance(result, AgentResult)
    assert result.message == result.text == str(result) == "p99 is 2400ms."
    assert result.stop_reason == "NoToolCalls()"
    assert result.iterations == 2
    assert result.usage.total_tokens > 0
    assert [(e.name, e.result) for e in result.tool_executions] == [("get_metric", "2400.0")]
    assert result.run_id
    assert model.calls[0][0].role is Role.SYSTEM
    assert model.calls[0][0].content == "You are an SRE."
    assert "state" not in result.model_dump()


async def test_run_yields_typed_events_in_order_terminate_last() -> None:
    model = ScriptedModel([[ToolCall(name="get_metric", arguments={"name": "p99"})], "ok"])
    events = [e async for e in Agent(model=model, tools=[get_metric]).run("go")]
    kinds = [type(e) for e in events]
    assert kinds == [
        RunStartEvent,
        ModelCompleteEvent,
        ThinkEvent,
        TokensUsedEvent,
        ToolStartEvent,
        ToolCompleteEvent,
        ModelCompleteEvent,
        ThinkEvent,
        TokensUsedEvent,
        TerminateEvent,
    ]
    terminate = events[-1]
    assert isinstance(terminate, TerminateEvent)
    assert terminate.final_message == "ok"
    assert terminate.iterations == 2
    assert events[3].run_total_tokens < events[-2].run_total_tokens  # type: ignore[attr-defined]


async def test_streaming_emits_chunks_and_assembles_tool_calls() -> None:
    model = ScriptedModel(
        [[ToolCall(name="get_metric", arguments={"name": "p99"})], "all good here"]
    )
    agent = Agent(model=model, tools=[get_metric], stream=True)
    events = [e async for e in agent.run("go")]
    chunks = [e for e in events if isinstance(e, ModelChunkEvent)]
    assert [c.content for c in chunks if c.content] == ["all", " good", " here"]
    assert any(e.tool_name == "get_metric" for e in events if isinstance(e, ToolStartEvent))
    assert events[-1].final_message == "all good here"  # type: ignore[attr-defined]


async def test_run_sync_inside_a_running_loop_sees_the_run_context() -> None:
    agent = Agent(model="test", tools=[get_metric])
    async with run_context() as rid:
        result = agent.run_sync("What is the p99 latency right now?")
        types = [ev.event_type async for ev in get_event_bus().subscribe(rid)]
    assert "get_metric" in result.text
    assert types[0] == "agent.started"
    assert "agent.tool.started" in types
    assert types[-1] == "agent.terminate"


def test_termination_algebra_stops_the_loop_with_its_reason() -> None:
    model = ScriptedModel(
        [
            [ToolCall(name="get_metric", arguments={"name": "p99"})],
            [ToolCall(name="get_metric", arguments={"name": "err"})],
            "unreached",
        ]
    )
    agent = Agent(
        model=model,
        tools=[get_metric],
        termination=ToolCalled("get_metric", {"name": "err"}) | MaxIterations(5),
    )
    result = agent.run_sync("go")
    assert result.stop_reason == "ToolCalled('get_metric', {'name': 'err'})"
    assert result.iterations == 2
    assert model.remaining == 1


def test_max_iterations_caps_whatever_the_condition() -> None:
    model = FunctionModel(
        lambda messages, tools: [ToolCall(name="get_metric", arguments={"name": "x"})]
    )
    result = Agent(
        model=model, tools=[get_metric], max_iterations=3, termination=TextMention("DONE")
    ).run_sync("loop")
    assert result.stop_reason == "MaxIterations(3)"
    assert result.iterations == 3
    default = Agent(model=model, tools=[get_metric]).run_sync("loop")
    assert default.stop_reason == "MaxIterations(20)"


def test_user_condition_reason_wins_on_a_final_turn() -> None:
    condition = TextMention(r"\bDONE\b")
    result = Agent(model=ScriptedModel(["all DONE"]), termination=condition).run_sync("x")
    assert result.stop_reason == repr(condition)


def test_thread_continues_a_conversation_across_agent_instances(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'threads.db'}"
    Agent(model=ScriptedModel(["Nice to meet you, Ada."]), checkpointer=url).run_sync(
        "My name is Ada.", thread_id="user-1"
    )
    second = ScriptedModel(["Your name is Ada."])
    result = Agent(model=second, checkpointer=url).run_sync("What is my name?", thread_id="user-1")
    assert result.thread_id == "user-1"
    sent = [m.content for m in second.calls[0]]
    assert sent == ["My name is Ada.", "Nice to meet you, Ada.", "What is my name?"]
    assert result.iterations == 1  # per-run counters restart


def test_thread_without_checkpointer_lives_in_the_agent() -> None:
    model = ScriptedModel(["one", "two"])
    agent = Agent(model=model)
    agent.run_sync("a", thread_id="t")
    agent.run_sync("b", thread_id="t")
    assert [m.content for m in model.calls[1]] == ["a", "one", "b"]


async def test_checkpoint_saved_after_every_execute_node() -> None:
    saved: list[str] = []

    class Spy(MemoryCheckpointer):
        async def save(self, state, thread_id, checkpoint_id=None, metadata=None, **kw):  # type: ignore[no-untyped-def,override]
            saved.append((metadata or {})["source"])
            return await super().save(state, thread_id, checkpoint_id, metadata, **kw)

    model = ScriptedModel([[ToolCall(name="get_metric", arguments={"name": "a"})]] * 2 + ["x"])
    await Agent(model=model, tools=[get_metric], checkpointer=Spy()).invoke("go", thread_id="t")
    assert saved == ["input", "execute", "execute", "terminate"]


def test_model_errors_emit_error_then_terminate_and_raise() -> None:
    events: list[Any] = []
    agent = Agent(model=ScriptedModel([]), checkpointer=MemoryCheckpointer())

    async def consume() -> None:
        async for event in agent.run("hi", thread_id="t"):
            events.append(event)

    with pytest.raises(ModelResponseError):
        asyncio.run(consume())
    assert isinstance(events[-2], ErrorEvent)
    assert events[-2].error_kind == "model_response"
    assert isinstance(events[-1], TerminateEvent)
    state = asyncio.run(agent.checkpointer.load("t"))
    assert state.status == "failed"


def test_bad_arguments_raise_typed_errors() -> None:
    with pytest.raises(ValidationError, match="max_iterations"):
        Agent(model="test", max_iterations=0)
    with pytest.raises(ValidationError, match="termination"):
        Agent(model="test", termination="stop please")
    with pytest.raises(ValidationError, match="output_schema"):
        Agent(model="test", output_schema=dict)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="model"):
        Agent(model=42)
    with pytest.raises(ValidationError, match="unique"):
        Agent(model="test", tools=[get_metric, get_metric])
    with pytest.raises(ValidationError, match="checkpointer"):
        Agent(model="test", checkpointer=object())
    with pytest.raises(ConfigError, match="no model"):
        Agent().run_sync("hi")
    with pytest.raises(ValidationError, match="prompt"):
        Agent(model="test").run_sync(42)  # type: ignore[arg-type]


def test_agent_as_tool_of_another_agent() -> None:
    researcher = Agent(
        model=ScriptedModel(["The p99 is 2400ms."]),
        name="Researcher",
        description="Looks up facts.",
    )
    as_tool = researcher.as_tool()
    assert as_tool.name == "researcher"
    assert as_tool.description == "Looks up facts."
    assert set(as_tool.parameters["properties"]) == {"prompt"}
    boss = Agent(
        model=ScriptedModel(
            [[ToolCall(name="researcher", arguments={"prompt": "p99?"})], "Researcher says 2400ms."]
        ),
        tools=[researcher],
    )
    result = boss.run_sync("Ask the researcher.")
    assert result.tool_executions[0].result == "The p99 is 2400ms."
    assert result.message == "Researcher says 2400ms."


def test_plain_functions_become_tools() -> None:
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    agent = Agent(model=TestModel(), tools=[add])
    result = agent.run_sync("add")
    assert result.tool_executions[0].name == "add"
    assert result.tool_executions[0].error is None
