"""Routing table: >= 40 frames (every task type at every risk, missing capabilities, no tools)
-> the picked protocol, the PolicyGate's verdict and the compiled runtime's shape."""

from __future__ import annotations

from typing import Any

import pytest

from locus.router import (
    CapabilityIndex,
    CognitiveCompiler,
    GoalFrame,
    NoMatchingProtocolError,
    PolicyDeniedError,
    PolicyGate,
    ProtocolRegistry,
    Risk,
    TaskType,
)

T = TaskType
FANOUT = "ParallelPipeline[metrics_read_specialist, logs_read_specialist, traces_read_specialist]"
SHAPES = {
    "direct_response": "Agent[]",
    "plan_execute_validate": "SequentialPipeline[planner, executor, validator]",
    "specialist_fanout": FANOUT,
    "debate": "Debate[advocate, critic -> judge]",
    "codegen_test_validate": "LoopAgent[code_then_test]",
    "approval_gated_execution": "ApprovalGate -> Agent[read_metrics, read_logs, read_traces]",
    "handoff_chain": "SequentialPipeline[metrics_read_step, logs_read_step, traces_read_step]",
}
GATED = "approval_required"

# (task type, risk, picked protocol, verdict) with the payments tools available
BY_RISK = [
    # low risk: each task type's primary protocol
    (T.ANSWER, Risk.LOW, "direct_response", "allow"),
    (T.EXPLAIN, Risk.LOW, "direct_response", "allow"),
    (T.PLAN, Risk.LOW, "plan_execute_validate", "allow"),
    (T.BUILD, Risk.LOW, "plan_execute_validate", "allow"),
    (T.MODIFY, Risk.LOW, "plan_execute_validate", "allow"),
    (T.DIAGNOSE, Risk.LOW, "specialist_fanout", "allow"),
    (T.REMEDIATE, Risk.LOW, "approval_gated_execution", GATED),
    (T.GENERATE_CODE, Risk.LOW, "codegen_test_validate", "allow"),
    (T.RESEARCH, Risk.LOW, "direct_response", "allow"),
    (T.COMPARE, Risk.LOW, "debate", "allow"),
    (T.MONITOR, Risk.LOW, "specialist_fanout", "allow"),
    (T.COORDINATE, Risk.LOW, "handoff_chain", "allow"),
    (T.ESCALATE, Risk.LOW, "approval_gated_execution", GATED),
    # medium risk: same picks, still below require_approval_above=MEDIUM
    (T.ANSWER, Risk.MEDIUM, "direct_response", "allow"),
    (T.EXPLAIN, Risk.MEDIUM, "direct_response", "allow"),
    (T.PLAN, Risk.MEDIUM, "plan_execute_validate", "allow"),
    (T.BUILD, Risk.MEDIUM, "plan_execute_validate", "allow"),
    (T.MODIFY, Risk.MEDIUM, "plan_execute_validate", "allow"),
    (T.DIAGNOSE, Risk.MEDIUM, "specialist_fanout", "allow"),
    (T.REMEDIATE, Risk.MEDIUM, "approval_gated_execution", GATED),
    (T.GENERATE_CODE, Risk.MEDIUM, "codegen_test_validate", "allow"),
    (T.RESEARCH, Risk.MEDIUM, "direct_response", "allow"),
    (T.COMPARE, Risk.MEDIUM, "debate", "allow"),
    (T.MONITOR, Risk.MEDIUM, "specialist_fanout", "allow"),
    (T.COORDINATE, Risk.MEDIUM, "handoff_chain", "allow"),
    (T.ESCALATE, Risk.MEDIUM, "approval_gated_execution", GATED),
    # high risk: only protocols with risk_max HIGH stay, and everything needs approval
    (T.ANSWER, Risk.HIGH, "approval_gated_execution", GATED),
    (T.EXPLAIN, Risk.HIGH, "approval_gated_execution", GATED),
    (T.PLAN, Risk.HIGH, "plan_execute_validate", GATED),
    (T.BUILD, Risk.HIGH, "plan_execute_validate", GATED),
    (T.MODIFY, Risk.HIGH, "plan_execute_validate", GATED),
    (T.DIAGNOSE, Risk.HIGH, "plan_execute_validate", GATED),
    (T.REMEDIATE, Risk.HIGH, "approval_gated_execution", GATED),
    (T.GENERATE_CODE, Risk.HIGH, "approval_gated_execution", GATED),
    (T.RESEARCH, Risk.HIGH, "plan_execute_validate", GATED),
    (T.COMPARE, Risk.HIGH, "approval_gated_execution", GATED),
    (T.MONITOR, Risk.HIGH, "approval_gated_execution", GATED),
    (T.COORDINATE, Risk.HIGH, "plan_execute_validate", GATED),
    (T.ESCALATE, Risk.HIGH, "approval_gated_execution", GATED),
]


def _shape(protocol_id: str, verdict: str) -> str:
    shape = SHAPES[protocol_id]
    if verdict == GATED and not shape.startswith("ApprovalGate"):
        return f"ApprovalGate -> {shape}"
    return shape


@pytest.mark.parametrize(("task", "risk", "protocol_id", "verdict"), BY_RISK)
async def test_task_type_and_risk_pick_protocol_verdict_and_shape(
    compiler: CognitiveCompiler, task: TaskType, risk: Risk, protocol_id: str, verdict: str
) -> None:
    frame = GoalFrame(primary_goal=task, risk=risk, domain="payments")
    decision = await compiler.decide(frame)
    assert (decision.protocol_id, decision.verdict.decision) == (protocol_id, verdict)
    assert compiler.build(decision).shape == _shape(protocol_id, verdict)
    kept = [r for r in decision.candidates if r.kept]
    assert kept[0].protocol_id == protocol_id
    assert all(r.reasons for r in decision.candidates)  # every keep/drop says why


# (frame fields, picked protocol, verdict) for needs, flags and capabilities
BY_NEEDS: list[tuple[dict[str, Any], str, str]] = [
    # needing tools tips research over to the tool-bound specialists
    ({"primary_goal": T.RESEARCH, "requires_tools": True}, "specialist_fanout", "allow"),
    # needing several agents tips research to the pipeline
    ({"primary_goal": T.RESEARCH, "requires_multi_agent": True}, "specialist_fanout", "allow"),
    # code with repair: build goes to the codegen loop only when asked for code
    (
        {"primary_goal": T.BUILD, "requires_code_generation": True},
        "plan_execute_validate",
        "allow",
    ),
    # the frame asks for approval at low risk
    ({"primary_goal": T.ANSWER, "approval_required": True}, "direct_response", GATED),
    # required capabilities that exist narrow the specialists to them
    (
        {"primary_goal": T.DIAGNOSE, "required_capabilities": ["logs.read"]},
        "specialist_fanout",
        "allow",
    ),
]


@pytest.mark.parametrize(("fields", "protocol_id", "verdict"), BY_NEEDS)
async def test_needs_and_flags(
    compiler: CognitiveCompiler, fields: dict[str, Any], protocol_id: str, verdict: str
) -> None:
    decision = await compiler.decide(GoalFrame(domain="payments", **fields))
    assert (decision.protocol_id, decision.verdict.decision) == (protocol_id, verdict)


async def test_required_capabilities_narrow_the_specialists(compiler: CognitiveCompiler) -> None:
    frame = GoalFrame(
        primary_goal=T.DIAGNOSE, domain="payments", required_capabilities=["logs.read"]
    )
    runnable = await compiler.compile(frame)
    assert runnable.shape == "ParallelPipeline[logs_read_specialist]"


@pytest.mark.parametrize("task", [T.ANSWER, T.DIAGNOSE, T.COORDINATE])
async def test_missing_capability_drops_every_local_protocol(
    compiler: CognitiveCompiler, task: TaskType
) -> None:
    frame = GoalFrame(primary_goal=task, required_capabilities=["metrics.read", "db.write"])
    with pytest.raises(NoMatchingProtocolError) as info:
        await compiler.decide(frame)
    err = info.value
    assert err.kind == "router_no_protocol"
    assert "['db.write']" in str(err)
    assert "a2a_endpoint" in str(err)
    handling = [r for r in err.reports if "does not handle" not in r.reasons[0]]
    assert handling
    assert all(not r.kept for r in handling)


async def test_missing_capability_goes_to_a2a_when_opted_in(
    registry: ProtocolRegistry, caps: CapabilityIndex, model: Any
) -> None:
    compiler = CognitiveCompiler(
        protocols=registry,
        capabilities=caps,
        policy=PolicyGate(),
        model=model,
        a2a_endpoint="http://127.0.0.1:9/",
    )
    frame = GoalFrame(primary_goal=T.DIAGNOSE, required_capabilities=["db.write"])
    decision = await compiler.decide(frame)
    assert (decision.protocol_id, decision.verdict.decision) == ("a2a_delegate", "allow")
    # with everything local, the opted-in remote agent stays a candidate but loses
    local = await compiler.decide(GoalFrame(primary_goal=T.DIAGNOSE, domain="payments"))
    assert local.protocol_id == "specialist_fanout"
    assert any(r.protocol_id == "a2a_delegate" and r.kept for r in local.candidates)
    # and a high-risk frame never leaves the process
    with pytest.raises(NoMatchingProtocolError, match="a2a_delegate: risk high"):
        await compiler.decide(
            GoalFrame(primary_goal=T.DIAGNOSE, risk=Risk.HIGH, required_capabilities=["db.write"])
        )


@pytest.mark.parametrize(
    ("task", "protocol_id"),
    [(T.DIAGNOSE, "plan_execute_validate"), (T.MONITOR, "approval_gated_execution")],
)
async def test_without_tools_tool_bound_protocols_drop(
    registry: ProtocolRegistry, model: Any, task: TaskType, protocol_id: str
) -> None:
    compiler = CognitiveCompiler(
        protocols=registry, capabilities=CapabilityIndex(), policy=PolicyGate(), model=model
    )
    decision = await compiler.decide(GoalFrame(primary_goal=task))
    assert decision.protocol_id == protocol_id
    fanout = next(r for r in decision.candidates if r.protocol_id == "specialist_fanout")
    assert not fanout.kept
    assert "no tool" in fanout.reasons[0]


@pytest.mark.parametrize(
    ("risk", "gate", "decision"),
    [
        (Risk.HIGH, PolicyGate(max_risk=Risk.MEDIUM), "deny"),
        (Risk.MEDIUM, PolicyGate(max_risk=Risk.LOW), "deny"),
        (Risk.MEDIUM, PolicyGate(require_approval_above=Risk.LOW), GATED),
        (Risk.LOW, PolicyGate(max_risk=Risk.LOW, require_approval_above=Risk.LOW), "allow"),
    ],
)
async def test_policy_thresholds(
    registry: ProtocolRegistry,
    caps: CapabilityIndex,
    model: Any,
    risk: Risk,
    gate: PolicyGate,
    decision: str,
) -> None:
    compiler = CognitiveCompiler(protocols=registry, capabilities=caps, policy=gate, model=model)
    routed = await compiler.decide(GoalFrame(primary_goal=T.PLAN, risk=risk))
    assert routed.verdict.decision == decision
    if decision == "deny":
        with pytest.raises(PolicyDeniedError) as info:
            compiler.build(routed)
        assert info.value.kind == "router_policy_denied"
        assert "max_risk" in str(info.value)


def test_the_table_has_forty_plus_rows_over_every_task_type_and_risk() -> None:
    assert len(BY_RISK) + len(BY_NEEDS) + 3 + 1 + 2 + 4 >= 40
    assert {t for t, _, _, _ in BY_RISK} == set(TaskType)
    assert {r for _, r, _, _ in BY_RISK} == set(Risk)
