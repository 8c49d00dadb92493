"""Steering ``INTERRUPT``: a judge pauses the run before a tool call; resuming runs it once."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.events import InterruptEvent, TerminateEvent
from locus.core.interrupt import interrupt
from locus.core.messages import ToolCall
from locus.hooks.builtin import SteeringAction, SteeringContext, SteeringDecision, SteeringHook
from locus.hooks.builtin.steering import decision_from_answer
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context

ran: list[tuple[str, Any]] = []


@tool
def transfer(amount: int, to: str) -> str:
    """Transfer money."""
    ran.append(("transfer", amount))
    return f"sent {amount} to {to}"


@tool
def lookup(account: str) -> str:
    """Look an account up."""
    ran.append(("lookup", account))
    return f"{account}: open"


@tool
def wire(amount: int) -> str:
    """Wire money abroad; asks the compliance desk itself."""
    code = interrupt({"question": "Compliance code?"})
    ran.append(("wire", (amount, code)))
    return f"wired {amount} ({code})"


class CountingJudge:
    """Pauses transfers above 100; counts what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, context: SteeringContext, proposal: dict[str, Any]) -> SteeringDecision:
        self.asked.append(proposal["tool"])
        if proposal["tool"] in ("transfer", "wire") and proposal["arguments"]["amount"] > 100:
            return SteeringDecision.interrupt("above the 100 limit", question="Send it?")
        return SteeringDecision.proceed()


def _agent(saver: MemoryCheckpointer, script: list[Any], hook: SteeringHook) -> Agent:
    return Agent(
        model=ScriptedModel(script),
        tools=[transfer, lookup, wire],
        hooks=[hook],
        checkpointer=saver,
    )


CALLS = [
    ToolCall(id="a", name="lookup", arguments={"account": "bob"}),
    ToolCall(id="b", name="transfer", arguments={"amount": 500, "to": "bob"}),
]


async def test_the_judge_pauses_before_the_call_and_resume_runs_it_exactly_once() -> None:
    ran.clear()
    saver, judge = MemoryCheckpointer(), CountingJudge()
    hook = SteeringHook(judge)
    events = [e async for e in _agent(saver, [CALLS], hook).run("pay bob", thread_id="t")]
    paused = [e for e in events if isinstance(e, InterruptEvent)]
    assert len(paused) == 1
    assert paused[0].node_id == "transfer"
    assert paused[0].question == "Send it?"
    assert paused[0].payload["reason"] == "above the 100 limit"
    assert paused[0].payload["arguments"] == {"amount": 500, "to": "bob"}
    assert isinstance(events[-1], TerminateEvent)
    assert events[-1].reason == "Interrupted(transfer)"
    assert ran == [("lookup", "bob")]  # the paused call did not run; its sibling did
    state = await saver.load("t")
    assert state is not None
    assert state.status == "interrupted"

    result = await _agent(saver, ["Sent."], hook).resume_invoke("t", answer="approve")
    assert result.stop_reason == "NoToolCalls()"
    assert result.interrupts == []
    assert ran == [("lookup", "bob"), ("transfer", 500)]  # each call ran once
    assert judge.asked == ["lookup", "transfer"]  # the resumed call was not judged again
    assert [d.action for d in hook.decisions] == [
        SteeringAction.PROCEED,
        SteeringAction.INTERRUPT,
        SteeringAction.PROCEED,  # the human's answer
    ]
    assert result.state is not None
    assert "locus_steering" not in result.state.metadata  # spent once the call finished


def test_the_result_reports_the_interrupt_and_a_new_process_resumes_it() -> None:
    ran.clear()
    saver = MemoryCheckpointer()
    first = _agent(saver, [[CALLS[1]]], SteeringHook(CountingJudge()))
    paused = first.run_sync("pay bob", thread_id="t2")
    assert not paused.success
    assert paused.stop_reason == "Interrupted(transfer)"
    assert paused.interrupts[0]["payload"]["question"] == "Send it?"
    assert ran == []

    other_judge = CountingJudge()  # a fresh hook: nothing in memory about the first run
    later = _agent(saver, ["Sent."], SteeringHook(other_judge))
    done = later.run_sync(Command(resume=True), thread_id="t2")
    assert done.message == "Sent."
    assert ran == [("transfer", 500)]
    assert other_judge.asked == []


async def test_a_declined_call_does_not_run_and_the_model_is_told() -> None:
    ran.clear()
    saver = MemoryCheckpointer()
    hook = SteeringHook(CountingJudge())
    await _agent(saver, [[CALLS[1]]], hook).invoke("pay bob", thread_id="t3")
    model = ScriptedModel(["Not sent."])
    agent = Agent(model=model, tools=[transfer], hooks=[hook], checkpointer=saver)
    result = await agent.resume_invoke("t3", answer="no")
    assert ran == []
    assert result.tool_executions[-1].result.startswith("Not run (declined by a human)")
    assert "declined" in (model.calls[0][-1].content or "")


async def test_interrupt_tools_pause_without_a_judge_and_the_answer_can_rewrite() -> None:
    ran.clear()
    saver = MemoryCheckpointer()
    hook = SteeringHook(interrupt_tools={"transfer"})
    async with run_context() as rid:
        paused = await _agent(saver, [CALLS], hook).invoke("pay bob", thread_id="t4")
        assert paused.interrupts[0]["payload"]["reason"] == "transfer is in interrupt_tools"
        answer = {"action": "rewrite", "arguments": {"amount": 50, "to": "bob"}}
        await _agent(saver, ["ok"], hook).resume_invoke("t4", answer=answer)
    assert ran == [("lookup", "bob"), ("transfer", 50)]
    decided = [
        e.data["action"] for e in get_event_bus().history(rid) if e.event_type.endswith("decided")
    ]
    assert decided == ["interrupt", "rewrite"]


async def test_a_tool_that_asks_too_gets_the_answers_after_the_steering_one() -> None:
    ran.clear()
    saver = MemoryCheckpointer()
    hook = SteeringHook(CountingJudge())
    call = ToolCall(id="w", name="wire", arguments={"amount": 900})
    first = await _agent(saver, [[call]], hook).invoke("wire 900", thread_id="t5")
    assert first.interrupts[0]["payload"]["question"] == "Send it?"
    second = await _agent(saver, [], hook).resume_invoke("t5", answer="yes")
    assert second.interrupts[0]["payload"] == {"question": "Compliance code?"}
    assert ran == []
    done = await _agent(saver, ["Wired."], hook).resume_invoke("t5", answer="C-42")
    assert done.message == "Wired."
    assert ran == [("wire", (900, "C-42"))]


async def test_interrupt_on_an_answer_is_refused() -> None:
    hook = SteeringHook(lambda c, p: SteeringDecision.interrupt("no"), evaluate_responses=True)
    hook.evaluate_tools = False
    with pytest.raises(ValidationError, match="only a tool call can be paused"):
        await Agent(model=ScriptedModel(["hello"]), hooks=[hook]).invoke("hi")


def test_answers_map_to_decisions() -> None:
    assert decision_from_answer("Approve").action is SteeringAction.PROCEED
    assert decision_from_answer(True).action is SteeringAction.PROCEED
    assert decision_from_answer(False).action is SteeringAction.GUIDE
    assert decision_from_answer("use the savings account").guidance == "use the savings account"
    rewrite = decision_from_answer({"arguments": {"amount": 1}})
    assert (rewrite.action, rewrite.arguments) == (SteeringAction.REWRITE, {"amount": 1})
    assert decision_from_answer({"action": "interrupt"}).action is SteeringAction.GUIDE


async def test_a_new_run_drops_the_decision_of_a_call_it_abandoned() -> None:
    ran.clear()
    saver, hook = MemoryCheckpointer(), SteeringHook(CountingJudge())
    paused = await _agent(saver, [[CALLS[1]]], hook).invoke("pay bob", thread_id="t5")
    assert paused.stop_reason == "Interrupted(transfer)"
    before = await saver.load("t5")
    assert before is not None
    assert "b" in before.metadata["locus_steering"]
    # not a resume: the user moved on, so the paused transfer will never run
    look = ToolCall(id="c", name="lookup", arguments={"account": "ann"})
    result = await _agent(saver, [[look], "ok"], hook).invoke("never mind", thread_id="t5")
    assert result.message == "ok"
    after = await saver.load("t5")
    assert after is not None
    assert "locus_steering" not in after.metadata
    assert ran == [("lookup", "ann")]
