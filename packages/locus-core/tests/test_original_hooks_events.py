"""The original locus's iteration hooks and hook-event fields work here."""

from __future__ import annotations

from typing import Any

from locus import Agent, tool
from locus.core.messages import ToolCall
from locus.hooks import HookProvider as OurHookProvider
from locus.hooks.events import HookEvent, IterationEndEvent, IterationStartEvent
from locus.hooks.provider import HookProvider
from locus.models import ScriptedModel


@tool
def ping() -> str:
    """Ping."""
    return "pong"


def _two_turns() -> ScriptedModel:
    return ScriptedModel(
        [[ToolCall(name="ping", arguments={}), ToolCall(name="ping", arguments={})], "done"]
    )


def test_original_iteration_methods_are_called_each_iteration() -> None:
    seen: list[tuple[str, Any]] = []

    class Iterations(HookProvider):
        def on_iteration_start(self, event: IterationStartEvent) -> None:
            seen.append(("start", (event.iteration, event.agent_id)))

        def on_iteration_end(self, event: IterationEndEvent) -> None:
            seen.append(("end", (event.iteration, event.tool_calls_made, event.confidence)))

    Agent(model=_two_turns(), tools=[ping], hooks=[Iterations()], id="a1").run_sync("go")
    assert seen == [
        ("start", (1, "a1")),
        ("end", (1, 2, None)),
        ("start", (2, "a1")),
        ("end", (2, 0, None)),
    ]


def test_iteration_points_on_our_hook_provider_and_every_event_is_a_hook_event() -> None:
    events: list[object] = []

    class Everything(OurHookProvider):
        def iteration_start(self, event: IterationStartEvent) -> None:
            events.append(event)

        def before_tool_call(self, event: Any) -> None:
            events.append(event)

        def after_model_call(self, event: Any) -> None:
            events.append(event)

        def after_invocation(self, event: Any) -> None:
            events.append(event)

    Agent(model=_two_turns(), tools=[ping], hooks=[Everything()]).run_sync("go")
    assert all(isinstance(e, HookEvent) for e in events)
    after_model = [e for e in events if type(e).__name__ == "AfterModelCallEvent"]
    assert [m.content for m in after_model[0].messages] == ["go"]  # what the model was sent
    finished = events[-1]
    assert type(finished).__name__ == "AfterInvocationEvent"
    assert finished.success  # type: ignore[attr-defined]
    assert finished.iterations == 2  # type: ignore[attr-defined]
    assert finished.duration_ms >= 0  # type: ignore[attr-defined]


def test_core_events_resolves_the_hook_event_names() -> None:
    import locus.core.events as core_events
    import locus.hooks as hooks

    assert core_events.BeforeToolCallEvent is hooks.BeforeToolCallEvent
    assert core_events.HookEvent is hooks.HookEvent
    assert not hasattr(core_events, "Nope")
