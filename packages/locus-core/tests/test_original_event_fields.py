"""The original locus's event fields read from this locus's events."""

from __future__ import annotations

from locus import Agent, tool
from locus.core.events import GroundingEvent, InterruptEvent, ModelCompleteEvent, ReflectEvent
from locus.core.messages import ToolCall
from locus.models import ScriptedModel


@tool
def ping() -> str:
    """Ping."""
    return "pong"


def test_reflect_events_carry_the_confidence_change() -> None:
    model = ScriptedModel(
        [
            [ToolCall(name="ping", arguments={})],
            '{"assessment": "started", "confidence": 0.4}',
            "done",
            '{"assessment": "finished", "confidence": 0.9}',
        ]
    )
    events = list(Agent(model=model, tools=[ping], reflexion=True).run("go"))
    reflections = [e for e in events if isinstance(e, ReflectEvent)]
    assert [e.new_confidence for e in reflections] == [0.4, 0.9]
    assert [round(e.confidence_delta, 6) for e in reflections] == [0.4, 0.5]
    assert reflections[1].bus_data()["confidence_delta"] == reflections[1].confidence_delta


def test_model_complete_grounding_and_interrupt_fields() -> None:
    events = list(
        Agent(model=ScriptedModel([[ToolCall(name="ping", arguments={})], "ok"]), tools=[ping]).run(
            "go"
        )
    )
    completed = [e for e in events if isinstance(e, ModelCompleteEvent)]
    assert [c.name for c in completed[0].tool_calls] == ["ping"]
    assert completed[1].content == "ok"
    grounding = GroundingEvent(
        score=0.5, grounded_claims=["a"], ungrounded_claims=["b"], action="research"
    )
    assert grounding.claims_evaluated == 2
    assert grounding.requires_replan
    assert not GroundingEvent(score=1.0, grounded_claims=["a"]).requires_replan
    asked = InterruptEvent(
        interrupt_id="i", payload={"question": "Ship it?", "options": ["yes", "no"]}
    )
    assert (asked.question, asked.options) == ("Ship it?", ["yes", "no"])
    assert InterruptEvent(interrupt_id="i", payload="Proceed?").question == "Proceed?"
    assert InterruptEvent(interrupt_id="i", payload=3).options == []


def test_tool_execution_original_names() -> None:
    result = Agent(
        model=ScriptedModel([[ToolCall(name="ping", arguments={})], "ok"]), tools=[ping]
    ).run_sync("go")
    execution = result.tool_executions[0]
    assert execution.tool_name == "ping"
    assert execution.idempotent_cache_hit is False
