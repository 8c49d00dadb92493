"""The original locus's heuristic Reflector: progress scored from tool calls, no model call."""

from __future__ import annotations

import pytest

from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.messages import Message, ToolCall
from locus.core.state import AgentState, ToolExecution
from locus.models import ScriptedModel
from locus.reasoning import AssessmentCategory, ReflectionResult, Reflector, evaluate_progress


def _call(
    name: str, iteration: int, *, error: str | None = None, **arguments: object
) -> ToolExecution:
    return ToolExecution(
        tool_call_id=f"{name}-{iteration}",
        name=name,
        arguments=dict(arguments),
        result="" if error else "ok",
        error=error,
        iteration=iteration,
    )


def test_successful_calls_are_new_findings_with_diminishing_gains() -> None:
    state = AgentState(iteration=1, tool_executions=[_call("search", 1, q="a"), _call("fetch", 1)])
    result = Reflector().reflect(state)
    assert result.assessment is AssessmentCategory.NEW_FINDINGS
    assert result.confidence_delta == pytest.approx(0.30)
    assert result.findings_summary == "search, fetch"
    confident = state.model_copy(update={"confidence": 0.5})
    assert Reflector().reflect(confident).confidence_delta == pytest.approx(0.15)
    flat = Reflector(diminishing_returns=False).reflect(confident)
    assert flat.confidence_delta == pytest.approx(0.30)


def test_failed_calls_are_stuck_with_guidance() -> None:
    state = AgentState(iteration=2, tool_executions=[_call("search", 2, error="timeout")])
    result = evaluate_progress(state, error_penalty=0.25)
    assert result.assessment is AssessmentCategory.STUCK
    assert result.confidence_delta == pytest.approx(-0.25)
    message = Reflector().create_guidance_message(result)
    assert message is not None
    assert "failed" in (message.content or "")


def test_the_same_call_repeated_is_a_loop() -> None:
    calls = [_call("search", i, q="same") for i in (1, 2, 3)]
    state = AgentState(iteration=3, tool_executions=calls)
    result = Reflector(loop_threshold=3).reflect(state)
    assert result.assessment is AssessmentCategory.LOOP_DETECTED
    assert result.loop_pattern == 'search({"q": "same"})'
    assert result.confidence_delta < 0
    assert Reflector(loop_threshold=4).reflect(state).assessment is AssessmentCategory.NEW_FINDINGS


def test_an_answer_without_tools_earns_the_completion_bonus() -> None:
    state = AgentState(iteration=1, messages=[Message.user("hi"), Message.assistant("hello")])
    result = Reflector(completion_bonus=0.1).reflect(state)
    assert result.assessment is AssessmentCategory.ON_TRACK
    assert result.confidence_delta == pytest.approx(0.1)
    assert Reflector().create_guidance_message(result) is None
    nothing = Reflector().reflect(AgentState(iteration=1))
    assert nothing.assessment is AssessmentCategory.STUCK


def test_adjust_state_confidence_returns_a_clamped_copy() -> None:
    state = AgentState(confidence=0.9)
    raised = Reflector().adjust_state_confidence(
        state, ReflectionResult(confidence_delta=0.5, assessment=AssessmentCategory.NEW_FINDINGS)
    )
    assert raised.confidence == 1.0
    assert state.confidence == 0.9
    with pytest.raises(ValidationError):
        Reflector(loop_threshold=1)


def test_reflects_a_real_run_from_its_result_state() -> None:
    @tool
    def lookup(key: str) -> str:
        """Look a key up."""
        return key.upper()

    model = ScriptedModel([[ToolCall(name="lookup", arguments={"key": "a"})], "A"])
    state = Agent(model=model, tools=[lookup]).run_sync("look up a").state
    assert state is not None
    first = [e for e in state.tool_executions if e.iteration == 1]
    assert evaluate_progress(state, first).assessment is AssessmentCategory.NEW_FINDINGS
