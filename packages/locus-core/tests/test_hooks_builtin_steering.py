"""SteeringHook: a judge function or a judge model allows, rewrites or redirects."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.messages import ToolCall
from locus.hooks.builtin import SteeringAction, SteeringContext, SteeringDecision, SteeringHook
from locus.models import FunctionModel, ScriptedModel
from locus.observability import get_event_bus, run_context

transfers: list[int] = []


@tool
def transfer(amount: int, to: str) -> str:
    """Transfer money."""
    transfers.append(amount)
    return f"sent {amount} to {to}"


def cap_and_review(context: SteeringContext, proposal: dict[str, Any]) -> SteeringDecision:
    if proposal["kind"] == "answer":
        return SteeringDecision.rewrite(answer=proposal["text"] + " (reviewed)")
    amount = proposal["arguments"]["amount"]
    if proposal["arguments"]["to"] == "unknown":
        return SteeringDecision.guide("Ask the user who the recipient is.", reason="no recipient")
    if amount > 100:
        return SteeringDecision.rewrite(arguments={**proposal["arguments"], "amount": 100})
    return SteeringDecision.proceed()


async def test_judge_function_proceeds_rewrites_and_redirects() -> None:
    transfers.clear()
    calls = [
        ToolCall(id="a", name="transfer", arguments={"amount": 50, "to": "bob"}),
        ToolCall(id="b", name="transfer", arguments={"amount": 500, "to": "bob"}),
        ToolCall(id="c", name="transfer", arguments={"amount": 5, "to": "unknown"}),
    ]
    hook = SteeringHook(cap_and_review, evaluate_responses=True)
    agent = Agent(model=ScriptedModel([calls, "Done."]), tools=[transfer], hooks=[hook])
    async with run_context() as rid:
        result = await agent.invoke("pay")
    assert sorted(transfers) == [50, 100]
    by_id = {e.tool_call_id: e for e in result.tool_executions}
    assert by_id["b"].arguments == {"amount": 100, "to": "bob"}
    assert (
        by_id["c"].result == "Not run (no recipient). Guidance: Ask the user who the recipient is."
    )
    assert result.message == "Done. (reviewed)"
    assert [d.action for d in hook.decisions] == [
        SteeringAction.PROCEED,
        SteeringAction.REWRITE,
        SteeringAction.GUIDE,
        SteeringAction.REWRITE,
    ]
    assert [c["action"] for c in hook.context.tool_calls] == ["proceed", "rewrite", "guide"]
    decided = [
        e.data for e in get_event_bus().history(rid) if e.event_type == "agent.steering.decided"
    ]
    assert decided[2] == {
        "kind": "tool_call",
        "tool_name": "transfer",
        "action": "guide",
        "reason": "no recipient",
    }
    assert decided[3]["kind"] == "answer"


def test_judge_model_reads_the_policy_and_answers_json() -> None:
    transfers.clear()
    prompts: list[str] = []

    def judge(messages: Any, tools: Any) -> str:
        prompts.append(messages[-1].content)
        return "Verdict: " + json.dumps(
            {"action": "guide", "reason": "over limit", "guidance": "Split it in two."}
        )

    hook = SteeringHook(model=FunctionModel(judge), policy="No transfer above 100 at once.")
    call = ToolCall(id="x", name="transfer", arguments={"amount": 150, "to": "amy"})
    result = Agent(model=ScriptedModel([[call], "ok"]), tools=[transfer], hooks=[hook]).run_sync(
        "pay amy"
    )
    assert transfers == []
    assert result.tool_executions[0].result == "Not run (over limit). Guidance: Split it in two."
    assert "No transfer above 100 at once." in prompts[0]
    assert '"amount": 150' in prompts[0]


def test_unreadable_model_verdict_proceeds_and_says_why() -> None:
    transfers.clear()
    hook = SteeringHook(model=ScriptedModel(["no idea"]))
    call = ToolCall(id="x", name="transfer", arguments={"amount": 1, "to": "amy"})
    Agent(model=ScriptedModel([[call], "ok"]), tools=[transfer], hooks=[hook]).run_sync("pay")
    assert transfers == [1]
    assert hook.decisions[0].action is SteeringAction.PROCEED
    assert hook.decisions[0].reason.startswith("unreadable steering verdict")


def test_steering_hook_needs_exactly_one_judge() -> None:
    with pytest.raises(ValidationError, match=r"needs a judge.*interrupt_tools"):
        SteeringHook()
    with pytest.raises(ValidationError, match=r"one judge.*not both"):
        SteeringHook(cap_and_review, model=ScriptedModel([]))
    assert SteeringHook(interrupt_tools={"transfer"}).interrupt_tools == {"transfer"}
    bad = SteeringHook(lambda c, p: "yes")  # type: ignore[arg-type,return-value]
    call = ToolCall(id="x", name="transfer", arguments={"amount": 1, "to": "amy"})
    with pytest.raises(ValidationError, match="return a SteeringDecision"):
        Agent(model=ScriptedModel([[call], "ok"]), tools=[transfer], hooks=[bad]).run_sync("pay")


async def test_each_run_has_its_own_steering_context() -> None:
    """Two runs of one agent at once: the judge sees only its own run's calls."""
    first_judged, history = asyncio.Event(), {}

    async def judge(context: SteeringContext, proposal: dict[str, Any]) -> SteeringDecision:
        to = proposal["arguments"]["to"]
        history[to] = [c["arguments"]["to"] for c in context.tool_calls]
        if to == "alice":
            first_judged.set()
        return SteeringDecision.proceed()

    async def model(messages: list[Any], tools: Any) -> Any:
        to = "alice" if "alice" in (messages[0].content or "") else "bob"
        if messages[-1].role.value == "tool":
            return "Done."
        if to == "bob":
            await first_judged.wait()
        return [ToolCall(id=f"c-{to}", name="transfer", arguments={"amount": 1, "to": to})]

    hook = SteeringHook(judge)
    agent = Agent(model=FunctionModel(model), tools=[transfer], hooks=[hook])
    await asyncio.gather(
        agent.invoke("pay alice", thread_id="s-a"), agent.invoke("pay bob", thread_id="s-b")
    )
    assert history == {"alice": [], "bob": []}  # bob's judge did not see alice's call
