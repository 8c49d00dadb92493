"""The original locus's ``locus.loop`` names run an agent loop here (façades over Agent)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError as PydanticValidationError

from locus import tool
from locus.core.errors import ModelResponseError, ValidationError
from locus.core.events import TerminateEvent, ThinkEvent, ToolCompleteEvent
from locus.core.messages import Message, ToolCall
from locus.core.state import AgentState
from locus.loop import (
    BatchRunner,
    LoopRunner,
    ReActLoop,
    ReActLoopConfig,
    StreamingCollector,
    create_react_loop,
    create_runner,
)
from locus.models import ScriptedModel
from locus.tools.registry import ToolRegistry


@tool
def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def _adding_model() -> ScriptedModel:
    return ScriptedModel([[ToolCall(name="add", arguments={"a": 2, "b": 3})], "5"])


async def test_react_loop_streams_a_tool_turn_and_returns_the_final_state() -> None:
    loop = ReActLoop(
        model=_adding_model(),
        registry=ToolRegistry([add]),
        config=ReActLoopConfig(enable_reflection=False, system_prompt="Be exact."),
    )
    events = [event async for event in loop.run("add 2 and 3")]
    assert isinstance(events[-1], TerminateEvent)
    completed = [e for e in events if isinstance(e, ToolCompleteEvent)]
    assert [(e.tool_name, e.result) for e in completed] == [("add", "5")]

    fresh = ReActLoop(_adding_model(), loop.registry, loop.config)
    state, events = await fresh.with_config(max_iterations=1).run_to_completion("again")
    assert state.stop_reason == "MaxIterations(1)"
    assert state.messages[0] == Message.system("Be exact.")
    assert sum(isinstance(e, ThinkEvent) for e in events) == 1


async def test_initial_state_and_state_kwargs_seed_the_run() -> None:
    loop = create_react_loop(ScriptedModel(["noted"]), enable_reflection=False)
    earlier = AgentState(messages=[Message.user("my name is Ada"), Message.assistant("hi Ada")])
    state, _ = await loop.run_to_completion("what is it?", initial_state=earlier, metadata={"k": 1})
    assert [m.content for m in state.messages] == [
        "my name is Ada",
        "hi Ada",
        "what is it?",
        "noted",
    ]
    assert state.metadata["k"] == 1
    assert earlier.messages[-1].content == "hi Ada"  # the caller's state is not changed
    with pytest.raises(ValidationError, match="unknown AgentState field"):
        await loop.run_to_completion("x", nope=1)


async def test_reflection_and_terminal_tools_become_termination_conditions() -> None:
    loop = create_react_loop("test", confidence_threshold=0.4)
    agent = loop.agent()
    assert agent.reflexion is not None
    assert repr(agent.termination) == "ConfidenceMet(0.4)"
    config = ReActLoopConfig(enable_reflection=False, terminal_tools=["submit", "abort"])
    termination = ReActLoop("test", None, config).agent().termination
    assert repr(termination) == "ToolCalled('submit') | ToolCalled('abort')"
    with pytest.raises(PydanticValidationError, match="reflect_interval must be 1"):
        ReActLoopConfig(reflect_interval=3)


async def test_loop_runner_calls_back_and_retries_a_failed_attempt() -> None:
    seen: list[str] = []
    completed: list[AgentState] = []
    errors: list[BaseException] = []
    model = ScriptedModel([ModelResponseError("boom"), "fine"])
    runner = LoopRunner(
        loop=create_react_loop(model, enable_reflection=False),
        on_event=lambda event: seen.append(event.event_type),
        on_error=errors.append,
        on_complete=completed.append,
        retry_on_error=True,
        max_retries=1,
    )
    state, events = await runner.run_to_completion("hi")
    assert state.messages[-1].content == "fine"
    assert completed == [state]
    assert runner.final_state is state
    assert errors == []
    assert seen[-1] == "agent.terminate"
    assert events[-1].event_type == "agent.terminate"

    failing = LoopRunner(
        create_react_loop(ScriptedModel([ModelResponseError("down")]), enable_reflection=False),
        on_error=errors.append,
    )
    with pytest.raises(ModelResponseError):
        await failing.run_to_completion("hi")
    assert [str(e) for e in errors] == ["down"]
    with pytest.raises(ValidationError):
        LoopRunner(failing.loop, timeout=0)


async def test_create_runner_and_batch_runner() -> None:
    seen: list[object] = []
    runner = create_runner(
        "test", ToolRegistry([add]), enable_reflection=False, on_event=seen.append
    )
    state, events = await runner.run_to_completion("hello")
    assert seen == events
    assert state.status == "completed"
    batch = BatchRunner(loop=create_react_loop("test", enable_reflection=False), max_concurrency=2)
    results = await batch.run_batch(["a", "b", "c"])
    assert [s.messages[0].content for s, _ in results] == ["a", "b", "c"]


async def test_streaming_collector_sorts_events() -> None:
    collector = StreamingCollector()
    async for event in create_react_loop(
        _adding_model(), ToolRegistry([add]), enable_reflection=False
    ).run("go"):
        collector.collect(event)
    assert collector.is_complete
    assert collector.iterations == 2
    assert len(collector.think_events) == 2
    assert [type(e).__name__ for e in collector.tool_events] == [
        "ToolStartEvent",
        "ToolCompleteEvent",
    ]
    assert collector.final_confidence is None
    collector.reset()
    assert collector.events == []
    assert not collector.is_complete
