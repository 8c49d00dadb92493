"""``HandoffEvent``: one typed event per handoff, on the run's stream and on the EventBus."""

from __future__ import annotations

from locus import create_handoff_agent, create_handoff_manager
from locus.core.events import LocusEvent
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.multiagent.graph import GraphEvent
from locus.multiagent.handoff import Handoff, HandoffEvent, HandoffReason
from locus.observability import EVENT_CATALOGUE, get_event_bus, run_context


def _desk() -> Handoff:
    triage = create_handoff_agent(
        "triage",
        model=ScriptedModel(
            [
                ToolCall(
                    name="transfer_to_billing",
                    arguments={"summary": "charged twice for order 77"},
                )
            ]
        ),
        can_delegate_to=["billing"],
    )
    billing = create_handoff_agent(
        "billing",
        model=ScriptedModel(
            [ToolCall(name="transfer_to_fraud", arguments={"summary": "card used abroad"})]
        ),
        can_escalate_to=["fraud"],
    )
    fraud = create_handoff_agent("fraud", model=ScriptedModel(["Card blocked."]))
    return create_handoff_manager([triage, billing, fraud])


EXPECTED = [
    ("triage", "billing", "delegation", "charged twice for order 77"),
    ("billing", "fraud", "escalation", "card used abroad"),
]


async def test_iterating_a_handoff_run_yields_one_typed_event_per_handoff() -> None:
    events = [e async for e in _desk().run("I was charged twice")]
    handoffs = [e for e in events if isinstance(e, HandoffEvent)]
    assert [
        (e.source_agent_id, e.target_agent_id, e.reason, e.context_summary) for e in handoffs
    ] == EXPECTED
    assert handoffs[1].reason == HandoffReason.ESCALATION
    assert all(isinstance(e, LocusEvent) and e.handoff_id for e in handoffs)
    assert all(e.event_type == "multiagent.handoff.completed" for e in handoffs)
    # the typed event replaces the untyped graph event of the same type: not reported twice
    assert not [
        e
        for e in events
        if isinstance(e, GraphEvent) and e.event_type == "multiagent.handoff.completed"
    ]
    assert events.index(handoffs[0]) < events.index(handoffs[1])


async def test_bus_subscribers_get_the_same_handoffs() -> None:
    async with run_context() as rid:
        result = await _desk().execute("I was charged twice")
    assert result.text == "Card blocked."
    completed = [
        e for e in get_event_bus().history(rid) if e.event_type == "multiagent.handoff.completed"
    ]
    assert [
        (e.data["source_agent_id"], e.data["target_agent_id"], e.data["reason"]) for e in completed
    ] == [row[:3] for row in EXPECTED]
    assert completed[0].data["context_summary_preview"] == "charged twice for order 77"
    spec = EVENT_CATALOGUE["multiagent.handoff.completed"]
    assert spec.event_class == "HandoffEvent"
    assert set(completed[0].data) == set(spec.fields)


async def test_an_explicit_handoff_is_reported_once() -> None:
    desk = _desk()
    context = desk.create_handoff("billing", "fraud", "check the card", summary="two countries")
    async with run_context() as rid:
        result = await desk.execute_handoff(context)
    assert result.text == "Card blocked."
    completed = [
        e.data for e in get_event_bus().history(rid) if e.event_type.startswith("multiagent.hand")
    ]
    assert completed == [
        {
            "source_agent_id": "billing",
            "target_agent_id": "fraud",
            "reason": "escalation",
            "context_summary": "two countries",
            "handoff_id": context.handoff_id,
            "context_summary_preview": "two countries",
        }
    ]


def test_the_original_import_paths_resolve_to_the_typed_event() -> None:
    import locus.multiagent
    from locus.core.events import HandoffEvent as Core

    assert locus.multiagent.HandoffEvent is HandoffEvent is Core
