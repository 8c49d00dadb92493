"""stream_structured: validated partials while the model streams JSON, then the final value."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from locus import Agent
from locus.core._partial_json import parse_partial
from locus.core.errors import ValidationError
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context
from locus.streaming import stream_structured


class Owner(BaseModel):
    name: str
    team: str


class Incident(BaseModel):
    title: str
    severity: int
    tags: list[str]
    owner: Owner


ANSWER = {
    "title": "DB failover",
    "severity": 2,
    "tags": ["db", "p99"],
    "owner": {"name": "Ann", "team": "sre"},
}


def _agent(*answers: str) -> Agent:
    return Agent(model=ScriptedModel(list(answers)), output_schema=Incident, stream=True)


async def test_partials_grow_field_by_field_and_the_final_value_validates() -> None:
    stream = stream_structured(_agent(json.dumps(ANSWER)).run("summarise"), Incident)
    partials = [p async for p in stream]
    seen = [p.model_dump(exclude_unset=True) for p in partials]
    assert seen[0] == {"title": "DB"}
    assert {"title": "DB failover"} in seen
    assert {"title": "DB failover", "severity": 2, "tags": ["db"]} in seen
    # the nested owner appears only once it validates as a whole
    assert all("owner" not in s for s in seen[:-1])
    assert seen[-1] == ANSWER
    assert all(isinstance(p, Incident) for p in partials)
    assert stream.final == Incident.model_validate(ANSWER)
    assert stream.terminate_reason == "NoToolCalls()"


async def test_a_retried_turn_starts_over() -> None:
    bad = json.dumps({"title": "x", "severity": "high", "tags": [], "owner": {"name": "a"}})
    stream = stream_structured(_agent(bad, json.dumps(ANSWER)).run("go"), Incident)
    seen = [p.model_dump(exclude_unset=True) async for p in stream]
    assert {"title": "x", "tags": []} in seen  # "high" never validated as severity
    assert seen[-1] == ANSWER
    assert stream.final is not None
    assert stream.final.severity == 2


async def test_works_on_bus_events_too() -> None:
    async with run_context() as rid:
        await _agent(json.dumps(ANSWER)).invoke("summarise")
    history = get_event_bus().history(rid)

    async def replay():  # type: ignore[no-untyped-def]
        for event in history:
            yield event

    stream = stream_structured(replay(), Incident, emit_unchanged=True)
    partials = [p async for p in stream]
    chunks = [e for e in history if e.event_type == "agent.model.chunk" and e.data.get("content")]
    assert len(partials) == len(chunks)
    assert stream.final == Incident.model_validate(ANSWER)


def test_parse_partial_closes_what_is_open() -> None:
    assert parse_partial('{"a": [1, 2') == {"a": [1]}  # 2 may still grow
    assert parse_partial('{"a": [1, 2]') == {"a": [1, 2]}
    assert parse_partial('{"a": "hel') == {"a": "hel"}
    assert parse_partial('{"a": "x\\') == {"a": "x"}
    assert parse_partial('{"a": tr') == {}
    assert parse_partial('{"a": 1, "b') == {"a": 1}
    assert parse_partial('Here you go: {"a": {"b": 1}} thanks') == {"a": {"b": 1}}
    assert parse_partial("no json") is None


def test_schema_must_be_a_pydantic_model() -> None:
    with pytest.raises(ValidationError, match="pydantic BaseModel"):
        stream_structured(_agent("{}").run("x"), dict)  # type: ignore[type-var]
