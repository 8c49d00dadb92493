"""Handoff: transfer tools, context, permissions, loops, chain limits, typed budgeted contracts."""

from __future__ import annotations

import itertools

import pytest
from pydantic import BaseModel

from locus import HandoffReason, create_handoff_agent, create_handoff_manager
from locus.core.errors import LocusError, ValidationError
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.multiagent.handoff import (
    Handoff,
    HandoffBudget,
    HandoffBudgetExceededError,
    HandoffChainTooLongError,
    HandoffContract,
    HandoffError,
    HandoffLoopError,
    HandoffOutputError,
    HandoffResult,
)
from locus.observability import get_event_bus, run_context


def transfer(to: str, **args: object) -> ToolCall:
    return ToolCall(name=f"transfer_to_{to}", arguments={"summary": "s", **args})


class Refund(BaseModel):
    amount: float
    confirmation: str


def desk_of(
    triage_script: list[object], billing_script: list[object], **billing_kw: object
) -> Handoff:
    triage = create_handoff_agent(
        "triage",
        system_prompt="Route.",
        model=ScriptedModel(triage_script),
        can_delegate_to=["billing"],
    )
    billing = create_handoff_agent(
        "billing",
        description="Refunds",
        model=ScriptedModel(billing_script),
        **billing_kw,  # type: ignore[arg-type]
    )
    return create_handoff_manager([triage, billing])


async def test_the_model_hands_off_through_a_tool_it_sees_and_the_receiver_gets_the_context() -> (
    None
):
    triage_model = ScriptedModel(
        [
            transfer(
                "billing",
                summary="customer was charged twice for order 77",
                instructions="refund the duplicate",
                findings=["two charges of $129"],
                confidence=0.9,
            )
        ]
    )
    billing_model = ScriptedModel(["Refunded $129. Confirmation RF-19340."])
    triage = create_handoff_agent("triage", model=triage_model, can_delegate_to=["billing"])
    billing = create_handoff_agent("billing", description="Refunds", model=billing_model)
    desk = create_handoff_manager([triage, billing])

    async with run_context() as rid:
        result = await desk.execute("I was charged twice")

    tools = [
        t["function"]["name"] if "function" in t else t.get("name")
        for t in triage_model.requests[0].tools or []
    ]
    assert "transfer_to_billing" in tools
    assert result.success
    assert result.text == "Refunded $129. Confirmation RF-19340."
    ctx = result.returned_context
    assert ctx is not None
    assert ctx.reason is HandoffReason.DELEGATION
    assert ctx.handoff_chain == ["triage", "billing"]
    assert ctx.findings == ["two charges of $129"]
    assert ctx.confidence == 0.9
    received = billing_model.calls[0][-1].content or ""
    for piece in (
        "I was charged twice",
        "charged twice for order 77",
        "refund the duplicate",
        "two charges of $129",
    ):
        assert piece in received
    kinds = [
        e.event_type
        for e in get_event_bus().history(rid)
        if e.event_type.startswith("multiagent.handoff")
    ]
    assert kinds == ["multiagent.handoff.requested", "multiagent.handoff.completed"]
    assert desk.history[-1] is result


async def test_an_agent_without_targets_sees_no_transfer_tool_and_answers() -> None:
    model = ScriptedModel(["Done myself."])
    desk = create_handoff_manager([create_handoff_agent("solo", model=model)])
    result = await desk.execute("hi")
    assert result.text == "Done myself."
    assert result.returned_context is None
    assert not any("transfer" in str(t) for t in model.requests[0].tools or [])


async def test_escalation_carries_its_reason() -> None:
    l1 = create_handoff_agent("l1", model=ScriptedModel([transfer("l2")]))
    l1.can_escalate_to = ["l2"]
    l2 = create_handoff_agent("l2", model=ScriptedModel(["fixed"]))
    result = await create_handoff_manager([l1, l2]).execute("outage")
    assert result.returned_context.reason is HandoffReason.ESCALATION  # type: ignore[union-attr]


def test_create_handoff_checks_permissions_and_ids() -> None:
    desk = desk_of([], [])
    with pytest.raises(HandoffError, match="may not hand off") as info:
        desk.create_handoff("billing", "triage", "task")
    assert info.value.kind == "handoff"
    with pytest.raises(ValidationError, match="no handoff agent"):
        desk.create_handoff("triage", "nobody", "task")
    ctx = desk.create_handoff("triage", "billing", "task", summary="x")
    assert ctx.handoff_chain == ["triage", "billing"]
    assert "Task: task" in ctx.to_prompt()


async def test_a_handoff_loop_is_detected() -> None:
    a = create_handoff_agent(
        "a", model=ScriptedModel([transfer("b"), transfer("b")]), can_delegate_to=["b"]
    )
    b = create_handoff_agent("b", model=ScriptedModel([transfer("a")]), can_delegate_to=["a"])
    desk = create_handoff_manager([a, b], max_chain=10)
    with pytest.raises(HandoffLoopError, match="a' -> 'b' already happened") as info:
        await desk.execute("ping-pong")
    assert info.value.kind == "handoff_loop"


async def test_the_chain_length_is_bounded() -> None:
    names = ["a", "b", "c", "d"]
    agents = [
        create_handoff_agent(n, model=ScriptedModel([transfer(nxt)]), can_delegate_to=[nxt])
        for n, nxt in itertools.pairwise(names)
    ]
    agents.append(create_handoff_agent("d", model=ScriptedModel(["end"])))
    with pytest.raises(HandoffChainTooLongError, match="max_handoff_chain is 2"):
        await create_handoff_manager(agents, max_chain=2).execute("go")
    # the same chain fits when allowed three handoffs
    agents = [
        create_handoff_agent(n, model=ScriptedModel([transfer(nxt)]), can_delegate_to=[nxt])
        for n, nxt in itertools.pairwise(names)
    ]
    agents.append(create_handoff_agent("d", model=ScriptedModel(["end"])))
    result = await create_handoff_manager(agents, max_chain=3).execute("go")
    assert result.returned_context.handoff_chain == names  # type: ignore[union-attr]


async def test_a_contract_types_the_receivers_answer() -> None:
    desk = desk_of(
        [transfer("billing")],
        ['{"amount": 129, "confirmation": "RF-1"}'],
        contract=HandoffContract(output_type=Refund),
    )
    result = await desk.execute("refund")
    assert result.output == Refund(amount=129, confirmation="RF-1")
    assert result.text == '{"amount":129.0,"confirmation":"RF-1"}'


async def test_invalid_output_is_re_asked_then_accepted() -> None:
    billing_script = ["refunded!", '{"amount": 5, "confirmation": "RF-2"}']
    desk = desk_of(
        [transfer("billing")],
        billing_script,
        contract=HandoffContract(output_type=Refund, retries=1),
    )
    async with run_context() as rid:
        result = await desk.execute("refund")
    assert result.output == Refund(amount=5, confirmation="RF-2")
    retries = [
        e for e in get_event_bus().history(rid) if e.event_type == "agent.structured_output.retry"
    ]
    assert len(retries) == 1


async def test_output_still_invalid_after_re_asking_is_a_typed_error() -> None:
    desk = desk_of(
        [transfer("billing")],
        ["refunded!", "still prose"],
        contract=HandoffContract(output_type=Refund, retries=1),
    )
    with pytest.raises(HandoffOutputError, match="does not match Refund after 1 re-ask") as info:
        await desk.execute("refund")
    assert info.value.kind == "handoff_output_invalid"
    assert isinstance(info.value, LocusError)


async def test_a_budget_stops_the_receiver_and_raises() -> None:
    looping = [ToolCall(name="transfer_to_nowhere", arguments={}) for _ in range(5)]
    desk = desk_of(
        [transfer("billing")],
        looping,
        contract=HandoffContract(output_type=Refund, budget=HandoffBudget(iterations=2)),
    )
    with pytest.raises(HandoffBudgetExceededError, match="MaxIterations") as info:
        await desk.execute("refund")
    assert info.value.kind == "handoff_budget_exceeded"

    wordy = ["word " * 50]
    desk = desk_of(
        [transfer("billing")], wordy, contract=HandoffContract(budget=HandoffBudget(tokens=20))
    )
    with pytest.raises(HandoffBudgetExceededError, match="TokenLimit"):
        await desk.execute("refund")


async def test_a_time_budget_cancels_a_receiver_that_hangs() -> None:
    import asyncio

    from locus import tool

    @tool
    async def wait_forever() -> str:
        """Never answers."""
        await asyncio.Event().wait()
        return "never"

    triage = create_handoff_agent(
        "triage", model=ScriptedModel([transfer("billing")]), can_delegate_to=["billing"]
    )
    billing = create_handoff_agent(
        "billing",
        tools=[wait_forever],
        model=ScriptedModel([ToolCall(name="wait_forever", arguments={})]),
        contract=HandoffContract(budget=HandoffBudget(seconds=0.05)),
    )
    with pytest.raises(HandoffBudgetExceededError, match=r"budget of 0\.05 s"):
        await create_handoff_manager([triage, billing]).execute("refund")


async def test_a_budget_that_suffices_lets_the_answer_through() -> None:
    desk = desk_of(
        [transfer("billing")],
        ["short answer"],
        contract=HandoffContract(budget=HandoffBudget(tokens=10_000, iterations=3, seconds=60)),
    )
    assert (await desk.execute("refund")).text == "short answer"


async def test_execute_handoff_starts_at_the_target() -> None:
    desk = desk_of([], ["handled"])
    ctx = desk.create_handoff("triage", "billing", "refund")
    result = await desk.execute_handoff(ctx)
    assert isinstance(result, HandoffResult)
    assert result.text == "handled"
    assert result.returned_context == ctx


def test_contract_output_type_must_be_a_model() -> None:
    with pytest.raises(ValidationError, match="BaseModel"):
        HandoffContract(output_type=dict)  # type: ignore[arg-type]


def test_registering_twice_and_an_empty_desk_are_clear_errors() -> None:
    desk = Handoff()
    with pytest.raises(ValidationError, match="no agents"):
        desk.execute_sync("x")
    desk.register_agent(create_handoff_agent("a"))
    with pytest.raises(ValidationError, match="already registered"):
        desk.register_agent(create_handoff_agent("a"))
    desk.register_agent(create_handoff_agent("Customer Care"))
    with pytest.raises(ValidationError, match="transfer_to_customer_care"):
        desk.register_agent(create_handoff_agent("customer-care"))
