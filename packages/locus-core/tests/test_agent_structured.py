"""output_schema: JSON requested, validated, sent back on failure, then a typed error."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from locus import Agent
from locus.core.errors import StructuredOutputError
from locus.core.messages import Role
from locus.models import ScriptedModel, TestModel


class Incident(BaseModel):
    severity: int
    summary: str


def test_valid_output_is_parsed_and_response_format_requested() -> None:
    model = ScriptedModel(['```json\n{"severity": 2, "summary": "p99 spike"}\n```'])
    result = Agent(model=model, output_schema=Incident).run_sync("triage")
    assert result.structured_output == Incident(severity=2, summary="p99 spike")
    assert result.state.structured_output == {"severity": 2, "summary": "p99 spike"}  # type: ignore[union-attr]
    fmt = model.requests[0].kwargs["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"]["required"] == ["severity", "summary"]


def test_invalid_output_is_sent_back_with_the_error() -> None:
    model = ScriptedModel(['{"severity": "high"}', '{"severity": 1, "summary": "ok"}'])
    result = Agent(model=model, output_schema=Incident).run_sync("triage")
    assert result.structured_output == Incident(severity=1, summary="ok")
    retry_prompt = model.calls[1][-1]
    assert retry_prompt.role is Role.USER
    assert "Incident" in (retry_prompt.content or "")
    assert "summary" in (retry_prompt.content or "")


def test_still_invalid_after_retries_raises_structured_output_error() -> None:
    model = ScriptedModel(["not json"] * 3)
    with pytest.raises(StructuredOutputError, match="after 2 retries"):
        Agent(model=model, output_schema=Incident).run_sync("triage")
    assert len(model.calls) == 3


def test_test_model_produces_valid_structured_output() -> None:
    result = Agent(model=TestModel(), output_schema=Incident).run_sync("x")
    assert isinstance(result.structured_output, Incident)
