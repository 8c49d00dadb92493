"""locus.playbooks: the models, the loader (YAML, JSON, markdown), the enforcer and its hook."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from locus import Agent
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ValidationError
from locus.core.interrupt import interrupt
from locus.core.messages import Message, Role, ToolCall
from locus.models import FunctionModel, ScriptedModel
from locus.multiagent.specialist import Playbook as SpecialistPlaybook
from locus.observability import get_event_bus, run_context
from locus.playbooks import (
    Playbook,
    PlaybookEnforcer,
    PlaybookEnforcerHook,
    PlaybookLoader,
    PlaybookLoadError,
    PlaybookStep,
    StepStatus,
    load_playbook,
)
from locus.tools import tool

REFUND = Playbook(
    name="Refund an order",
    steps=[
        PlaybookStep(id="lookup", description="Find the order", expected_tools=["get_order"]),
        PlaybookStep(
            id="policy",
            description="Check the refund policy",
            expected_tools=["read_policy"],
            required=False,
        ),
        PlaybookStep(
            id="refund",
            description="Refund it",
            expected_tools=["refund"],
            preconditions=["lookup"],
            hints=["refund the full amount"],
            max_tool_calls=1,
        ),
    ],
)


def test_one_playbook_model_for_specialists_and_enforcers() -> None:
    assert SpecialistPlaybook is Playbook
    old_style = PlaybookStep(instruction="EXPLAIN the query", required_tools=["sql"])
    assert old_style.description == "EXPLAIN the query"
    assert old_style.expected_tools == ["sql"]
    assert REFUND.id == "refund-an-order"
    assert Playbook(name="p", steps=[PlaybookStep(description="a")]).steps[0].id == "step-1"
    assert "3. Refund it (tools: refund)" in REFUND.to_prompt()
    assert "2. Check the refund policy (tools: read_policy) (optional)" in REFUND.to_prompt()


def test_bad_models_are_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        Playbook(name="p", steps=[PlaybookStep(id="a"), PlaybookStep(id="a")])
    with pytest.raises(ValueError, match="not an earlier step"):
        Playbook(name="p", steps=[PlaybookStep(id="a", preconditions=["b"]), PlaybookStep(id="b")])


def test_enforcer_order_optional_steps_and_completion() -> None:
    enforcer = PlaybookEnforcer(REFUND)
    early = enforcer.validate_tool_call("refund")
    assert not early.allowed
    assert early.violation is not None
    assert early.violation.violation_type == "out_of_order"
    assert early.violation.step_id == "lookup"
    assert "Call: get_order" in early.violation.message
    assert enforcer.validate_tool_call("get_order").allowed
    assert enforcer.record_tool_call("get_order") == ["lookup"]
    # the optional policy step may be skipped: refund is allowed now
    assert enforcer.validate_tool_call("refund").allowed
    assert enforcer.record_tool_call("refund") == ["refund"]
    assert enforcer.is_complete
    assert [s["status"] for s in enforcer.get_step_summary()] == [
        "completed",
        "skipped",
        "completed",
    ]
    assert len(enforcer.violations) == 1


def test_a_failed_tool_does_not_complete_its_step() -> None:
    enforcer = PlaybookEnforcer(REFUND)
    assert enforcer.record_tool_call("get_order", success=False) == []
    execution = enforcer.plan.get_step_execution("lookup")
    assert execution is not None
    assert execution.status is StepStatus.IN_PROGRESS
    assert enforcer.current_step is not None
    assert enforcer.current_step.id == "lookup"


def test_preconditions_budget_and_extra_tools() -> None:
    loose = REFUND.model_copy(update={"strict_sequence": False, "allow_extra_tools": False})
    enforcer = PlaybookEnforcer(loose, block_violations=False)
    unmet = enforcer.validate_tool_call("refund")
    assert unmet.allowed  # recorded, not blocked
    assert unmet.violation is not None
    assert unmet.violation.violation_type == "precondition_unmet"
    extra = enforcer.validate_tool_call("delete_account")
    assert extra.violation is not None
    assert extra.violation.violation_type == "unexpected_tool"
    enforcer.record_tool_call("get_order")
    enforcer.record_tool_call("refund", success=False)
    budget = enforcer.validate_tool_call("refund")
    assert budget.violation is not None
    assert budget.violation.violation_type == "step_budget_exceeded"
    assert [v.violation_type for v in enforcer.violations] == [
        "precondition_unmet",
        "unexpected_tool",
        "step_budget_exceeded",
    ]


def test_manual_complete_skip_fail_and_reset() -> None:
    enforcer = PlaybookEnforcer(REFUND)
    with pytest.raises(ValidationError, match="required"):
        enforcer.skip_current_step()
    enforcer.fail_current_step("order service down")
    assert enforcer.plan.errors == ["lookup: order service down"]
    enforcer.complete_current_step(result={"order": 7})
    enforcer.skip_current_step("no policy needed")
    assert enforcer.current_step is not None
    assert enforcer.current_step.id == "refund"
    assert enforcer.progress == pytest.approx(2 / 3)
    enforcer.reset()
    assert enforcer.progress == 0.0
    assert enforcer.violations == []


@tool
def get_order(order_id: str) -> str:
    """Look an order up."""
    return f"order {order_id}: 40 EUR"


@tool
def refund(order_id: str) -> str:
    """Refund an order."""
    return f"refunded {order_id}"


def _eager_model(messages: list[Message], tools: Any) -> Any:
    """Refunds first; after a refusal, follows the guidance."""
    results = [m for m in messages if m.role == Role.TOOL]
    if not results:
        return [ToolCall(id="c1", name="refund", arguments={"order_id": "7"})]
    if len(results) == 1:
        return [ToolCall(id="c2", name="get_order", arguments={"order_id": "7"})]
    if len(results) == 2:
        return [ToolCall(id="c3", name="refund", arguments={"order_id": "7"})]
    return "Refunded order 7."


async def test_hook_blocks_guides_and_emits_events() -> None:
    seen: list[list[Message]] = []

    def model(messages: list[Message], tools: Any) -> Any:
        seen.append(list(messages))
        return _eager_model(messages, tools)

    hook = PlaybookEnforcerHook(REFUND)
    agent = Agent(FunctionModel(model), tools=[get_order, refund], hooks=[hook])
    async with run_context() as rid:
        result = await agent.invoke("Refund order 7")
    refused = result.tool_executions[0]
    assert refused.name == "refund"
    assert refused.error is not None
    assert "must be done first" in refused.result
    assert [t.name for t in result.tool_executions[1:]] == ["get_order", "refund"]
    assert result.tool_executions[2].error is None
    assert hook.enforcer.is_complete
    guidance = seen[0][-1]
    assert guidance.role == Role.SYSTEM
    assert "Current step 1/3 'lookup'" in (guidance.content or "")
    assert "Last playbook violation" in (seen[1][-1].content or "")
    types = [e.event_type for e in get_event_bus().history(rid)]
    assert types.count("agent.playbook.violation") == 1
    assert types.count("agent.playbook.step.completed") == 3  # lookup, skipped policy, refund
    assert types.count("agent.playbook.completed") == 1


YAML_PLAYBOOK = """\
name: Refund an order
steps:
  - id: lookup
    description: Find the order
    expected_tools: [get_order]
  - id: refund
    description: Refund it
    expected_tools: [refund]
    max_tool_calls: many
"""

MARKDOWN_PLAYBOOK = """\
---
version: "2"
tags: [billing]
---
# Refund an order

Refund a customer's order after checking it.

1. Find the order
   - tools: get_order
   - hint: use the order id from the message
2. Check the policy
   - id: policy
   - optional
3. Refund it
   - tools: refund
   - requires: step-1
   - max_tool_calls: 1
"""


def test_markdown_playbook() -> None:
    playbook = load_playbook(MARKDOWN_PLAYBOOK)
    assert playbook.name == "Refund an order"
    assert playbook.description == "Refund a customer's order after checking it."
    assert (playbook.version, playbook.tags) == ("2", ["billing"])
    assert [s.id for s in playbook.steps] == ["step-1", "policy", "step-3"]
    assert playbook.steps[0].hints == ["use the order id from the message"]
    assert not playbook.steps[1].required
    assert playbook.steps[2].preconditions == ["step-1"]
    assert playbook.steps[2].max_tool_calls == 1


def test_yaml_json_dict_and_files(tmp_path: Path) -> None:
    good = YAML_PLAYBOOK.replace("many", "2")
    assert load_playbook(good).steps[1].max_tool_calls == 2
    (tmp_path / "p.yaml").write_text(good)
    (tmp_path / "p.md").write_text(MARKDOWN_PLAYBOOK)
    (tmp_path / "p.json").write_text(load_playbook(good).model_dump_json())
    loader = PlaybookLoader()
    assert loader.load_file(tmp_path / "p.yaml") == loader.load_file(tmp_path / "p.json")
    assert loader.load_file(tmp_path / "p.md").name == "Refund an order"
    assert load_playbook({"name": "x"}).id == "x"


@pytest.mark.parametrize(
    ("text", "line", "field", "message"),
    [
        (YAML_PLAYBOOK, 9, "steps.1.max_tool_calls", "valid integer"),
        ("name: x\nsteps:\n  - id: a\n    descripton: typo\n", 4, "steps.0.descripton", "Extra"),
        ("name: [unclosed\nsteps: []\n", 2, None, "not valid YAML"),
        ("description: no name\nsteps: []\n", 1, "name", "Field required"),
        ("---\ntags: [x\n---\n1. a\n", 2, None, "front matter is not valid YAML"),
        ("---\nname: x\n---\n1. a\n   - tools a b\n", 5, None, "not 'field: value'"),
        ("---\nname: x\n---\n1. a\n   - colour: red\n", 5, "colour", "unknown step field"),
        ("---\nname: x\n---\n1. a\n   - max_tool_calls: lots\n", 5, "max_tool_calls", "number"),
        ("---\nname: x\n1. a\n", 1, None, "never closed"),
        ("---\nversion: '1'\n---\n1. a\n", 1, "name", "needs a name"),
    ],
)
def test_malformed_playbooks_name_line_and_field(
    text: str, line: int, field: str | None, message: str
) -> None:
    with pytest.raises(PlaybookLoadError, match=message) as info:
        load_playbook(text)
    assert info.value.line == line
    assert info.value.field == field
    assert info.value.kind == "playbook_load"


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(PlaybookLoadError, match="cannot read"):
        load_playbook(tmp_path / "missing.yaml")
    (tmp_path / "p.txt").write_text("name: x")
    with pytest.raises(PlaybookLoadError, match="unknown playbook format"):
        load_playbook(tmp_path / "p.txt")
    (tmp_path / "bad.json").write_text('{"name": "x",\n "steps": [}')
    with pytest.raises(PlaybookLoadError, match="not valid JSON") as info:
        load_playbook(tmp_path / "bad.json")
    assert info.value.line == 2
    assert str(info.value).startswith(str(tmp_path / "bad.json") + ":2:")


async def test_concurrent_runs_of_one_agent_follow_the_playbook_independently() -> None:
    """One hook, one agent, two runs at once on two threads (as under AgentServer)."""
    a_looked_up, b_refused = asyncio.Event(), asyncio.Event()
    guidance: dict[str, list[str]] = {"A": [], "B": []}

    async def model(messages: list[Message], tools: Any) -> Any:
        who = "A" if "order A" in (messages[0].content or "") else "B"
        guidance[who].append(messages[-1].content or "")
        done = [m for m in messages if m.role == Role.TOOL]
        if who == "A":  # lookup, wait until B broke the playbook, then refund
            if not done:
                return [ToolCall(id="a1", name="get_order", arguments={"order_id": "A"})]
            if len(done) == 1:
                a_looked_up.set()
                await b_refused.wait()
                return [ToolCall(id="a2", name="refund", arguments={"order_id": "A"})]
            return "Refunded A."
        if not done:  # B refunds before looking up, after A has looked its order up
            await a_looked_up.wait()
            return [ToolCall(id="b1", name="refund", arguments={"order_id": "B"})]
        if len(done) == 1:
            b_refused.set()
            return [ToolCall(id="b2", name="get_order", arguments={"order_id": "B"})]
        if len(done) == 2:
            return [ToolCall(id="b3", name="refund", arguments={"order_id": "B"})]
        return "Refunded B."

    hook = PlaybookEnforcerHook(REFUND)
    agent = Agent(FunctionModel(model), tools=[get_order, refund], hooks=[hook])
    run_a, run_b = await asyncio.gather(
        agent.invoke("Refund order A", thread_id="thread-a"),
        agent.invoke("Refund order B", thread_id="thread-b"),
    )
    assert [(t.name, t.error is None) for t in run_a.tool_executions] == [
        ("get_order", True),
        ("refund", True),
    ]
    assert [(t.name, t.error is None) for t in run_b.tool_executions] == [
        ("refund", False),  # A's lookup does not count for B
        ("get_order", True),
        ("refund", True),
    ]
    plan_a, plan_b = hook.enforcer_for(run_a.run_id), hook.enforcer_for(run_b.run_id)
    assert plan_a is not None
    assert plan_b is not None
    assert plan_a is not plan_b
    assert plan_a.is_complete
    assert plan_b.is_complete
    assert plan_a.violations == []
    assert [v.tool_name for v in plan_b.violations] == ["refund"]
    assert not any("Last playbook violation" in text for text in guidance["A"])
    assert "Last playbook violation" in guidance["B"][1]


@tool(idempotent=True)
def approved_refund(order_id: str) -> str:
    """Refund an order once a human approves."""
    answer = interrupt({"question": f"Refund {order_id}?"})
    return f"refunded {order_id}" if answer == "yes" else "not refunded"


LOOKUP_THEN_REFUND = Playbook(
    name="Refund with approval",
    steps=[
        PlaybookStep(id="lookup", description="Find the order", expected_tools=["get_order"]),
        PlaybookStep(
            id="refund",
            description="Refund it",
            expected_tools=["approved_refund"],
            preconditions=["lookup"],
        ),
    ],
)


async def test_a_resumed_run_continues_its_plan_in_a_fresh_process() -> None:
    """The plan is kept in the thread's state: a new hook and agent resume it."""
    saver = MemoryCheckpointer()
    calls = [
        [ToolCall(id="l", name="get_order", arguments={"order_id": "7"})],
        [ToolCall(id="r", name="approved_refund", arguments={"order_id": "7"})],
    ]

    def agent(script: list[Any]) -> tuple[Agent, PlaybookEnforcerHook]:
        hook = PlaybookEnforcerHook(LOOKUP_THEN_REFUND)
        tools = [get_order, approved_refund]
        return Agent(ScriptedModel(script), tools=tools, hooks=[hook], checkpointer=saver), hook

    first, _ = agent(calls)
    paused = await first.invoke("Refund order 7", thread_id="t-plan")
    assert paused.interrupts
    later, hook = agent(["Refunded 7.", "Order 8 needs nothing."])
    result = await later.resume_invoke("t-plan", answer="yes")
    assert result.tool_executions[-1].result == "refunded 7"  # not refused: lookup is done
    plan = hook.enforcer_for(result.run_id)
    assert plan is not None
    assert plan.is_complete
    assert plan.violations == []
    again = await later.invoke("And order 8?", thread_id="t-plan")  # a new run starts over
    fresh = hook.enforcer_for(again.run_id)
    assert fresh is not None
    assert fresh.progress == 0.0


async def test_the_hook_keeps_the_plans_of_its_last_max_runs() -> None:
    hook = PlaybookEnforcerHook(REFUND, max_runs=2)
    agent = Agent(FunctionModel(_eager_model), tools=[get_order, refund], hooks=[hook])
    runs = [await agent.invoke(f"Refund order {n}") for n in range(3)]
    assert hook.enforcer_for(runs[0].run_id) is None  # dropped: memory stays bounded
    kept = [hook.enforcer_for(r.run_id) for r in runs[1:]]
    assert all(e is not None and e.is_complete for e in kept)
    assert hook.enforcer is kept[-1]
    with pytest.raises(ValidationError, match="per-run limit must be >= 1"):
        PlaybookEnforcerHook(REFUND, max_runs=0)
