"""Per-turn events are built for whoever takes them, and only then."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent, tool
from locus.core import events
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context

TURNS = 3
PER_TURN = (
    "agent.model.completed",
    "agent.think",
    "agent.tokens.used",
    "agent.tool.started",
    "agent.tool.completed",
)


@tool
def noop(i: int) -> int:
    """Return i."""
    return i


def agent() -> Agent:
    script: list[Any] = [[ToolCall(name="noop", arguments={"i": i})] for i in range(TURNS)]
    return Agent(model=ScriptedModel([*script, "done"]), tools=[noop])


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Types of the per-turn events constructed during the test."""
    seen: list[str] = []
    original = events.LocusEvent.__init__

    def counting(self: events.LocusEvent, **data: Any) -> None:
        original(self, **data)
        if self.event_type in PER_TURN:
            seen.append(self.event_type)

    monkeypatch.setattr(events.LocusEvent, "__init__", counting)
    return seen


async def test_iterating_a_run_yields_every_per_turn_event(built: list[str]) -> None:
    yielded = [e.event_type async for e in agent().run("go")]
    for event_type in PER_TURN:
        expected = TURNS + 1 if event_type in PER_TURN[:3] else TURNS
        assert yielded.count(event_type) == expected, event_type
    assert sorted(built) == sorted(t for t in yielded if t in PER_TURN)


async def test_an_awaited_run_builds_no_per_turn_event_and_keeps_its_result(
    built: list[str],
) -> None:
    for result in (await agent().run("go"), await agent().invoke("go")):
        assert result.message == "done"
        assert result.iterations == TURNS + 1
        assert [e.result for e in result.tool_executions] == [str(i) for i in range(TURNS)]
        assert result.usage.total_tokens > 0  # usage is counted without its events
    assert built == []


async def test_an_awaited_run_inside_run_context_publishes_every_event(built: list[str]) -> None:
    async with run_context() as rid:
        result = await agent().invoke("go")
        on_bus = [e.event_type async for e in get_event_bus().subscribe(rid)]
    assert result.message == "done"
    for event_type in PER_TURN:
        assert event_type in on_bus, event_type
    assert sorted(built) == sorted(t for t in on_bus if t in PER_TURN)
