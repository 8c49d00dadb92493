"""The event catalogue: coverage of the typed events, prefixes, and docs/events.md agreement."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from locus.core.errors import ValidationError
from locus.core.events import EVENT_CLASSES, TerminateEvent, ThinkEvent, ToolCompleteEvent
from locus.observability import EVENT_CATALOGUE, EVENT_PREFIXES, EventSpec, describe_event
from locus.observability._catalogue import render_markdown

DOCS_EVENTS = Path(__file__).resolve().parents[3] / "docs" / "events.md"
START, END = "<!-- catalogue:start -->", "<!-- catalogue:end -->"


def test_catalogue_has_sixty_plus_types_across_ten_prefixes() -> None:
    assert len(EVENT_CATALOGUE) >= 60
    assert len(EVENT_PREFIXES) == 10
    for prefix in EVENT_PREFIXES:
        assert EVENT_CATALOGUE.by_prefix(prefix), f"no events under {prefix}.*"
    for spec in EVENT_CATALOGUE.values():
        assert isinstance(spec, EventSpec)
        assert re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", spec.event_type)
        assert spec.description
        assert spec.emitted_by.startswith("locus.")


def test_seed_and_issue_types_are_catalogued() -> None:
    for event_type in (
        "agent.think",
        "agent.tool.started",
        "agent.tool.completed",
        "agent.model.chunk",
        "agent.model.completed",
        "agent.tokens.used",
        "agent.reflect",
        "agent.grounding",
        "agent.interrupt",
        "agent.terminate",
        "memory.checkpoint.saved",
        "memory.checkpoint.loaded",
        "multiagent.graph.node.started",
        "multiagent.graph.node.completed",
        "multiagent.graph.node.routed",
    ):
        assert event_type in EVENT_CATALOGUE


@pytest.mark.parametrize("event_type", sorted(EVENT_CLASSES))
def test_typed_events_list_their_bus_data_keys(event_type: str) -> None:
    spec = EVENT_CATALOGUE[event_type]
    assert spec.event_class == EVENT_CLASSES[event_type].__name__
    samples = {
        "agent.think": ThinkEvent(iteration=1, reasoning="r"),
        "agent.tool.completed": ToolCompleteEvent(tool_name="t", tool_call_id="c"),
        "agent.terminate": TerminateEvent(reason="x"),
    }
    if event_type in samples:
        assert set(samples[event_type].bus_data()) == set(spec.fields)


def test_seed_data_keys_are_documented() -> None:
    assert "reasoning_preview" in EVENT_CATALOGUE["agent.think"].fields
    assert "span_id" in EVENT_CATALOGUE["agent.tool.started"].fields
    assert "output_preview" in EVENT_CATALOGUE["agent.tool.completed"].fields
    assert "total_tokens" in EVENT_CATALOGUE["agent.tokens.used"].fields
    assert "final_message_preview" in EVENT_CATALOGUE["agent.terminate"].fields


def test_describe_event_suggests_close_names() -> None:
    assert describe_event("agent.think").event_class == "ThinkEvent"
    with pytest.raises(ValidationError, match=r"agent\.tool\.started"):
        describe_event("agent.tool.start")


def test_catalogue_is_read_only() -> None:
    with pytest.raises(TypeError):
        EVENT_CATALOGUE["x.y"] = EVENT_CATALOGUE["agent.think"]  # type: ignore[index]


def test_docs_page_matches_catalogue() -> None:
    text = DOCS_EVENTS.read_text()
    assert START in text
    assert END in text
    body = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert body == render_markdown().strip(), (
        "docs/events.md is out of date; regenerate the table between the catalogue markers "
        "with locus.observability._catalogue.render_markdown()"
    )
    for event_type in EVENT_CATALOGUE:
        assert f"`{event_type}`" in body
