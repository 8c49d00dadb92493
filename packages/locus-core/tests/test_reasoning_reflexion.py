"""Reflexion: robust parsing, state.confidence, ReflectEvent, ConfidenceMet integration."""

from __future__ import annotations

import pytest

from locus import Agent, tool
from locus.core.events import ReflectEvent
from locus.core.messages import ToolCall
from locus.core.termination import ConfidenceMet, MaxIterations, ToolCalled
from locus.models import ScriptedModel, TestModel
from locus.reasoning import Reflexion


@pytest.mark.parametrize(
    ("reply", "assessment", "confidence"),
    [
        ('{"assessment": "solid", "confidence": 0.9}', "solid", 0.9),
        ('Sure!\n```json\n{"assessment": "ok", "confidence": "0.75"}\n```', "ok", 0.75),
        ('{"assessment": "meh", "confidence": 80}', "meh", 0.8),
        ("I think we are done. Confidence: 65%", "I think we are done. Confidence: 65%", 0.65),
        ("no idea", "no idea", None),
        ('{"assessment": "x", "confidence": 7.5}', "x", 0.075),
    ],
)
def test_parse_is_robust_to_junk(reply: str, assessment: str, confidence: float | None) -> None:
    parsed = Reflexion().parse(reply)
    assert parsed.assessment == assessment
    assert parsed.confidence == (pytest.approx(confidence) if confidence is not None else None)


@tool
def submit_po(vendor: str) -> str:
    """Submit a PO."""
    return "PO-2847"


async def test_reflexion_sets_confidence_and_feeds_confidence_met() -> None:
    model = ScriptedModel(
        [
            [ToolCall(name="submit_po", arguments={"vendor": "acme"})],
            '{"assessment": "PO submitted", "confidence": 0.92}',
        ]
    )
    agent = Agent(
        model=model,
        tools=[submit_po],
        reflexion=True,
        termination=(ToolCalled("submit_po") & ConfidenceMet(0.9)) | MaxIterations(5),
    )
    events = [e async for e in agent.run("Approve Acme.")]
    reflect = [e for e in events if isinstance(e, ReflectEvent)]
    assert reflect[0].confidence == pytest.approx(0.92)
    assert reflect[0].assessment == "PO submitted"
    assert reflect[0].should_continue is False
    assert events[-1].reason == "ToolCalled('submit_po') and ConfidenceMet(0.92)"  # type: ignore[attr-defined]
    # the evaluation is a side call: it asks for JSON and is not added to the conversation
    assert model.requests[1].kwargs["response_format"]["json_schema"]["name"] == "reflection"
    assert model.requests[1].tools is None


def test_reflexion_works_with_test_model_and_result_confidence() -> None:
    result = Agent(model=TestModel(), tools=[submit_po], reflexion=True).run_sync("go")
    assert result.confidence is not None
    assert 0.0 <= result.confidence <= 1.0
    assert result.stop_reason == "NoToolCalls()"


def test_final_turn_only_saves_model_calls() -> None:
    model = ScriptedModel(
        [
            [ToolCall(name="submit_po", arguments={"vendor": "acme"})],
            "Submitted PO-2847.",
            '{"assessment": "done", "confidence": 1}',
        ]
    )
    result = Agent(
        model=model, tools=[submit_po], reflexion=Reflexion(final_turn_only=True)
    ).run_sync("go")
    assert result.confidence == 1.0
    assert result.message == "Submitted PO-2847."
