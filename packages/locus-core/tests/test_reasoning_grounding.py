"""Grounding: claims scored against tool outputs; dropped or sent back for re-research."""

from __future__ import annotations

from locus import Agent, tool
from locus.core.events import GroundingEvent
from locus.core.messages import Role, ToolCall
from locus.models import ScriptedModel
from locus.reasoning import Grounding, extract_claims, lexical_score


def test_claims_are_sentences_with_facts() -> None:
    text = "Revenue grew 12% to $4.2B. Great! Cloud revenue reached $1.1B in Q3. Any questions?"
    assert extract_claims(text) == [
        "Revenue grew 12% to $4.2B.",
        "Cloud revenue reached $1.1B in Q3.",
    ]


def test_numbers_must_appear_in_evidence() -> None:
    evidence = ["Q3 revenue: $4.2B, up 12% year over year."]
    assert lexical_score("Revenue grew 12% to $4.2B.", evidence) >= 0.5
    assert lexical_score("Revenue grew 15% to $4.2B.", evidence) == 0.0


@tool
def earnings(quarter: str) -> str:
    """Read the earnings call transcript summary."""
    return "Q3 revenue was $4.2B, up 12%. Operating margin was 31%."


def _calls() -> list[ToolCall]:
    return [ToolCall(name="earnings", arguments={"quarter": "Q3"})]


async def test_ungrounded_claims_are_sent_back_once_then_dropped() -> None:
    answer = "Revenue was $4.2B, up 12%. Revenue mix shifted 40% to services."
    model = ScriptedModel([_calls(), answer, answer])
    agent = Agent(model=model, tools=[earnings], grounding=True)
    events = [e async for e in agent.run("Summarise Q3. Cite every number.")]
    grounding = [e for e in events if isinstance(e, GroundingEvent)]
    assert [g.action for g in grounding] == ["research", "drop"]
    assert grounding[0].ungrounded_claims == ["Revenue mix shifted 40% to services."]
    assert grounding[0].score == 0.5
    research = model.calls[2][-1]
    assert research.role is Role.USER
    assert "not supported" in (research.content or "")
    final = events[-1]
    assert final.final_message == "Revenue was $4.2B, up 12%."  # type: ignore[attr-defined]


def test_grounded_answer_is_accepted_with_score() -> None:
    model = ScriptedModel([_calls(), "Q3 revenue was $4.2B and operating margin was 31%."])
    result = Agent(model=model, tools=[earnings], grounding=True).run_sync("Summarise Q3.")
    assert result.grounding_score == 1.0
    assert result.message == "Q3 revenue was $4.2B and operating margin was 31%."


def test_pluggable_scorer() -> None:
    model = ScriptedModel([_calls(), "Anything at all is fine here."])
    grounding = Grounding(scorer=lambda claim, evidence: 1.0)
    result = Agent(model=model, tools=[earnings], grounding=grounding).run_sync("x")
    assert result.grounding_score == 1.0
