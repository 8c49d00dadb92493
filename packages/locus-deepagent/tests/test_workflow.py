"""The research workflow, worked end to end with offline models and canned documents."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from locus import tool
from locus.core.messages import Message, Role, ToolCall
from locus.deepagent import (
    KEY_CAUSAL_CHAIN,
    KEY_CAUSAL_HYPOTHESIS,
    KEY_EVIDENCE,
    KEY_EXECUTE_PROMPT,
    KEY_GROUNDING_FACTS,
    KEY_GROUNDING_SCORE,
    KEY_PROMPT,
    KEY_REGENERATION_COUNT,
    KEY_REPLAN_COUNT,
    KEY_STRUCTURED_OUTPUT,
    KEY_SUMMARY,
    KEY_UNGROUNDED_CLAIMS,
    create_research_workflow,
    make_grounding_eval_node,
    route_after_grounding,
)
from locus.models import FunctionModel
from locus.multiagent.graph import END
from locus.observability import get_event_bus, run_context

DOCS = {
    "ferry": "Ferry service stopped on 3 March after a storm damaged the Cais do Sodre pier.",
    "strike": "No strike took place on 3 March: the ferry crews union said every crew worked.",
    "pier": "Repairs to the Cais do Sodre pier will take two weeks, the port authority said.",
}


@tool
def search_docs(query: str) -> str:
    """Search the news archive.

    Args:
        query: Keywords.
    """
    hits = [text for key, text in DOCS.items() if key in query.lower()]
    return "\n".join(hits) or "no documents"


class Report(BaseModel):
    cause: str = Field(description="Root cause, one sentence.")
    findings: list[str] = Field(description="Supporting facts, one sentence each.")
    confidence: float = Field(ge=0, le=1)


def researcher(messages: list[Message], tools: Any) -> Any:
    """The execute agent (and the causal step): searches what the prompt asks about."""
    system = messages[0].content or "" if messages[0].role is Role.SYSTEM else ""
    if system.startswith("From the evidence, list"):
        return "storm -> pier damage\npier damage -> ferry service stopped"
    prompt = next(m.content or "" for m in messages if m.role is Role.USER)
    searched = [m for m in messages if m.role is Role.TOOL]
    if searched:
        return "I have the documents."
    if "confirm or refute" in prompt:
        return [
            ToolCall(name="search_docs", arguments={"query": "strike"}),
            ToolCall(name="search_docs", arguments={"query": "pier"}),
        ]
    return ToolCall(name="search_docs", arguments={"query": "ferry"})


def writer(messages: list[Message], tools: Any) -> str:
    """The summariser: the first draft invents a strike; with the strike evidence it corrects it."""
    evidence = messages[-1].content or ""
    if "No strike took place" not in evidence:
        report = Report(
            cause="Striking crews halted all ferries.",
            findings=["Ferry crews walked out over pay [F1]."],
            confidence=0.7,
        )
    else:
        report = Report(
            cause="A storm damaged the Cais do Sodre pier and ferry service stopped on 3 March [F1].",
            findings=[
                "No strike took place on 3 March [F2].",
                "Repairs to the pier will take two weeks [F3].",
            ],
            confidence=0.9,
        )
    return report.model_dump_json()


async def test_research_workflow_replans_until_the_report_is_grounded() -> None:
    app = create_research_workflow(
        model=FunctionModel(researcher),
        tools=[search_docs],
        system_prompt="You research local news.",
        output_schema=Report,
        summarization_model=FunctionModel(writer),
        grounding_threshold=0.8,
        max_regenerations=0,
        max_replans=2,
        reflexion=False,
    )
    async with run_context() as run_id:
        result = await app.ainvoke({KEY_PROMPT: "Why did the Lisbon ferry stop on 3 March?"})

    report = result[KEY_STRUCTURED_OUTPUT]
    assert isinstance(report, Report)
    assert "storm" in report.cause
    assert result[KEY_GROUNDING_SCORE] >= 0.8
    assert result[KEY_UNGROUNDED_CLAIMS] == []
    assert result[KEY_REPLAN_COUNT] == 1
    # the replan asked about exactly the invented claims
    assert "Striking crews halted all ferries" in result[KEY_EXECUTE_PROMPT]
    assert "walked out over pay" in result[KEY_EXECUTE_PROMPT]
    # evidence of both execute phases, with stable fact ids
    assert list(result[KEY_GROUNDING_FACTS]) == ["F1", "F2", "F3"]
    assert len(result[KEY_EVIDENCE]) == 3
    assert result[KEY_CAUSAL_HYPOTHESIS] == "storm → pier damage → ferry service stopped"
    assert len(result[KEY_CAUSAL_CHAIN]["links"]) == 2
    events = [
        e
        for e in get_event_bus().history(run_id)
        if e.event_type.startswith("multiagent.deepagent")
    ]
    assert [e.event_type for e in events] == [
        "multiagent.deepagent.started",
        "multiagent.deepagent.replanned",
    ]
    assert events[1].data["grounding_score"] < 0.8


async def test_regenerate_comes_before_replan_and_limits_end_the_loop() -> None:
    drafts: list[str] = []

    def stubborn(messages: list[Message], tools: Any) -> str:
        drafts.append(messages[0].content or "")
        return "Martians closed the ferry."

    app = create_research_workflow(
        model=FunctionModel(researcher),
        tools=[search_docs],
        summarization_model=FunctionModel(stubborn),
        max_regenerations=1,
        max_replans=1,
        reflexion=False,
        causal_inference=False,
    )
    result = await app.ainvoke({KEY_PROMPT: "Why did the ferry stop?"})
    assert result[KEY_GROUNDING_SCORE] == 0.0
    assert (result[KEY_REGENERATION_COUNT], result[KEY_REPLAN_COUNT]) == (1, 1)
    assert result[KEY_SUMMARY] == "Martians closed the ferry."
    kinds = ["regenerate" if d.startswith("You fix") else "summarize" for d in drafts]
    assert kinds == ["summarize", "regenerate", "summarize"]


def test_route_after_grounding() -> None:
    route = route_after_grounding(threshold=0.6, max_replans=1, max_regenerations=1)
    assert route({KEY_GROUNDING_SCORE: 0.6}) == END
    assert route({KEY_GROUNDING_SCORE: 0.2}) == "regenerate"
    assert route({KEY_GROUNDING_SCORE: 0.2, KEY_REGENERATION_COUNT: 1}) == "replan"
    assert route({KEY_GROUNDING_SCORE: 0.2, KEY_REGENERATION_COUNT: 1, KEY_REPLAN_COUNT: 1}) == END


async def test_llm_judge_grading() -> None:
    def judge(messages: list[Message], tools: Any, options: dict[str, Any]) -> str:
        assert options["response_format"]["type"] == "json_schema"
        assert "1. The storm damaged the pier." in (messages[-1].content or "")
        return json.dumps({"verdicts": [{"claim": 1, "supported": True}]})

    node = make_grounding_eval_node(FunctionModel(judge))
    out = await node(
        {
            KEY_SUMMARY: "The storm damaged the pier [F1]. Aliens from Mars damaged the pier.",
            KEY_GROUNDING_FACTS: {"F1": "search_docs: the storm damaged the pier"},
        }
    )
    assert out == {
        KEY_GROUNDING_SCORE: 0.5,
        KEY_UNGROUNDED_CLAIMS: ["Aliens from Mars damaged the pier."],
    }


async def test_invalid_structured_summary_is_a_typed_error() -> None:
    from locus.core.errors import StructuredOutputError

    app = create_research_workflow(
        model=FunctionModel(researcher),
        tools=[search_docs],
        output_schema=Report,
        summarization_model=FunctionModel(lambda messages, tools: "not json"),
        reflexion=False,
        causal_inference=False,
    )
    with pytest.raises(StructuredOutputError, match="Report"):
        await app.ainvoke({KEY_PROMPT: "q"})


async def test_checkpointed_workflow_keeps_its_state_per_thread(tmp_path: Any) -> None:
    app = create_research_workflow(
        model=FunctionModel(researcher),
        tools=[search_docs],
        output_schema=Report,
        summarization_model=FunctionModel(writer),
        grounding_threshold=0.8,
        max_regenerations=0,
        reflexion=False,
        checkpointer=f"sqlite:///{tmp_path}/research.db",
    )
    await app.ainvoke({KEY_PROMPT: "Why did the Lisbon ferry stop on 3 March?"}, thread_id="r1")
    snapshot = await app.get_state("r1")
    assert snapshot is not None
    assert snapshot.values[KEY_REPLAN_COUNT] == 1
    assert snapshot.values[KEY_GROUNDING_SCORE] >= 0.8
    # the typed report survives the round trip as data the schema validates
    assert Report.model_validate(snapshot.values[KEY_STRUCTURED_OUTPUT]).confidence == 0.9
