"""The original locus's result fields carry what the run measured, not placeholders."""

from __future__ import annotations

import time

from locus import Agent, tool
from locus.core.messages import Message, ToolCall
from locus.models import ScriptedModel


@tool
def pause(ms: int) -> str:
    """Sleep ``ms`` milliseconds."""
    time.sleep(ms / 1000)
    return "slept"


def test_metrics_duration_covers_the_run_wall_time() -> None:
    model = ScriptedModel([[ToolCall(name="pause", arguments={"ms": 30})], "done"])
    before = time.time()
    result = Agent(model=model, tools=[pause]).run_sync("go")
    wall_ms = (time.time() - before) * 1000
    assert 30 <= result.duration_ms <= wall_ms
    assert result.metrics.duration_ms == result.duration_ms
    assert result.model_dump()["duration_ms"] == result.duration_ms


def test_metrics_fields_match_what_the_run_knows() -> None:
    model = ScriptedModel([[ToolCall(name="pause", arguments={"ms": 0})], "done"])
    result = Agent(model=model, tools=[pause]).run_sync("go")
    m = result.metrics
    assert (m.iterations, m.tool_calls, m.tool_errors) == (2, 1, 0)
    assert m.total_tokens == result.usage.total_tokens > 0
    assert m.prompt_tokens == result.usage.prompt_tokens > 0
    assert m.completion_tokens == result.usage.completion_tokens > 0


def test_the_same_script_gives_equal_messages() -> None:
    """Replays (DBOS recovery, equal-result checks) rely on runs being reproducible."""

    def run() -> list[dict[str, object]]:
        model = ScriptedModel([[ToolCall(id="c1", name="pause", arguments={"ms": 1})], "done"])
        state = Agent(model=model, tools=[pause]).run_sync("go").state
        return [message.model_dump() for message in state.messages]

    assert run() == run()


def test_a_caller_supplied_history_turn_has_no_invented_timestamp() -> None:
    from locus.agent.result import AgentResult
    from locus.core.state import AgentState

    state = AgentState(messages=[Message.user("hi"), Message.assistant("hello")])
    steps = AgentResult(state=state).reasoning_steps
    assert [s.timestamp for s in steps] == [None]


def test_metrics_count_the_reflexion_side_calls() -> None:
    from locus.core.termination import MaxIterations, ToolCalled

    model = ScriptedModel(
        [
            [ToolCall(name="pause", arguments={"ms": 0})],
            '{"assessment": "paused", "confidence": 0.9}',
        ]
    )
    result = Agent(
        model=model,
        tools=[pause],
        reflexion=True,
        termination=ToolCalled("pause") | MaxIterations(3),
    ).run_sync("go")
    reflections = [r for r in model.requests if r.tools is None]
    assert len(reflections) == result.metrics.reflexion_evaluations == 1
    plain = Agent(model=ScriptedModel(["done"])).run_sync("go")
    assert plain.metrics.reflexion_evaluations == 0
