"""A tool calling interrupt() pauses the run; resume(answer=...) re-runs it with the answer."""

from __future__ import annotations

from typing import Any

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.command import Command
from locus.core.events import InterruptEvent, TerminateEvent
from locus.core.interrupt import interrupt
from locus.core.messages import ToolCall
from locus.models import ScriptedModel

refunds: list[int] = []


@tool(idempotent=True)
def refund(order_id: str, amount: int) -> str:
    """Refund an order; amounts above 100 need a human's approval."""
    if amount > 100:
        answer = interrupt({"question": f"Approve refund of {amount} on {order_id}?"})
        if answer != "approve":
            return "refund rejected by a human"
    refunds.append(amount)
    return f"refunded {amount}"


@tool
def lookup(order_id: str) -> str:
    """Look an order up."""
    return f"{order_id}: paid"


def _agent(saver: Any, script: list[Any]) -> Agent:
    return Agent(model=ScriptedModel(script), tools=[refund, lookup], checkpointer=saver)


async def test_interrupt_pauses_then_resume_answers() -> None:
    refunds.clear()
    saver = MemoryCheckpointer()
    calls = [
        ToolCall(id="a", name="lookup", arguments={"order_id": "o-9"}),
        ToolCall(id="b", name="refund", arguments={"order_id": "o-9", "amount": 500}),
    ]
    first = _agent(saver, [calls])
    events = [e async for e in first.run("Refund o-9 in full", thread_id="t")]
    pause = [e for e in events if isinstance(e, InterruptEvent)]
    assert pause[0].payload == {"question": "Approve refund of 500 on o-9?"}
    assert pause[0].node_id == "refund"
    assert isinstance(events[-1], TerminateEvent)
    assert events[-1].reason == "Interrupted(refund)"
    assert refunds == []
    state = await saver.load("t")
    assert state is not None
    assert state.status == "interrupted"
    assert state.idempotency == {}  # paused before acting: not in doubt

    later = _agent(saver, ["Refunded 500 on o-9."])
    result = await later.resume_invoke("t", answer="approve")
    assert refunds == [500]
    assert result.message == "Refunded 500 on o-9."
    assert result.stop_reason == "NoToolCalls()"
    assert result.interrupts == []
    assert [e.name for e in result.tool_executions] == ["lookup", "refund"]


def test_result_lists_pending_interrupts_and_command_resume_rejects() -> None:
    refunds.clear()
    saver = MemoryCheckpointer()
    call = ToolCall(name="refund", arguments={"order_id": "o-1", "amount": 300})
    paused = _agent(saver, [[call]]).run_sync("refund", thread_id="t2")
    assert paused.stop_reason == "Interrupted(refund)"
    assert paused.interrupts[0]["payload"]["question"].startswith("Approve refund of 300")
    done = _agent(saver, ["Rejected."]).run_sync(Command(resume="reject"), thread_id="t2")
    assert done.tool_executions[-1].result == "refund rejected by a human"
    assert refunds == []
