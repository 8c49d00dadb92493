"""The eight built-in protocols, as data (their builders are imported on first use)."""

from __future__ import annotations

from locus.router._protocol_model import Protocol
from locus.router.goal_frame import Risk, TaskType

__all__ = ["A2A_CAPABILITY", "BUILTIN_PROTOCOLS"]

A2A_CAPABILITY = "a2a.remote_agent"
"""Available when the compiler has an A2A endpoint or client: it opts ``a2a_delegate`` in."""

T = TaskType
_B = "locus.router._builders:"

direct_response = Protocol(
    id="direct_response",
    description="One agent answers directly.",
    handles=frozenset({T.ANSWER, T.EXPLAIN, T.RESEARCH, T.COMPARE, T.PLAN}),
    primary_for=frozenset({T.ANSWER, T.EXPLAIN}),
    risk_max=Risk.MEDIUM,
    cost=1,
    latency=1,
    supports_streaming=True,
    builder=_B + "build_direct_response",
)
plan_execute_validate = Protocol(
    id="plan_execute_validate",
    description="A planner, an executor with the frame's tools, and a validator, in sequence.",
    handles=frozenset(
        {T.PLAN, T.BUILD, T.MODIFY, T.RESEARCH, T.DIAGNOSE, T.REMEDIATE, T.COORDINATE}
    ),
    primary_for=frozenset({T.PLAN, T.BUILD, T.MODIFY}),
    risk_max=Risk.HIGH,
    cost=3,
    latency=3,
    supports_repair=True,
    multi_agent=True,
    builder=_B + "build_plan_execute_validate",
)
specialist_fanout = Protocol(
    id="specialist_fanout",
    description="One tool-bound specialist per capability, in parallel; a synthesiser merges.",
    handles=frozenset({T.DIAGNOSE, T.MONITOR, T.RESEARCH}),
    primary_for=frozenset({T.DIAGNOSE, T.MONITOR}),
    risk_max=Risk.MEDIUM,
    cost=3,
    latency=2,
    needs_tools=True,
    multi_agent=True,
    builder=_B + "build_specialist_fanout",
)
debate = Protocol(
    id="debate",
    description="Two debaters argue; a judge decides.",
    handles=frozenset({T.COMPARE, T.PLAN, T.RESEARCH}),
    primary_for=frozenset({T.COMPARE}),
    risk_max=Risk.MEDIUM,
    cost=4,
    latency=4,
    multi_agent=True,
    builder=_B + "build_debate",
)
codegen_test_validate = Protocol(
    id="codegen_test_validate",
    description="A coder and a tester loop until the tester says PASS.",
    handles=frozenset({T.GENERATE_CODE, T.BUILD, T.MODIFY}),
    primary_for=frozenset({T.GENERATE_CODE}),
    risk_max=Risk.MEDIUM,
    cost=3,
    latency=3,
    supports_repair=True,
    multi_agent=True,
    builder=_B + "build_codegen_test_validate",
)
approval_gated_execution = Protocol(
    id="approval_gated_execution",
    description="An agent with the frame's tools, run only after a human approves.",
    handles=frozenset(TaskType),
    primary_for=frozenset({T.ESCALATE, T.REMEDIATE}),
    risk_max=Risk.HIGH,
    cost=2,
    latency=5,
    approval_gated=True,
    builder=_B + "build_approval_gated_execution",
)
a2a_delegate = Protocol(
    id="a2a_delegate",
    description="Delegate the request to a remote agent over A2A (opt-in: needs an endpoint).",
    handles=frozenset(TaskType),
    requires_capabilities=frozenset({A2A_CAPABILITY}),
    risk_max=Risk.MEDIUM,
    cost=3,
    latency=4,
    remote=True,
    builder=_B + "build_a2a_delegate",
)
handoff_chain = Protocol(
    id="handoff_chain",
    description="A chain of one-tool agents, each handing its result to the next.",
    handles=frozenset({T.COORDINATE, T.ESCALATE}),
    primary_for=frozenset({T.COORDINATE}),
    risk_max=Risk.MEDIUM,
    cost=2,
    latency=3,
    needs_tools=True,
    multi_agent=True,
    builder=_B + "build_handoff_chain",
)

BUILTIN_PROTOCOLS: tuple[Protocol, ...] = (
    direct_response,
    plan_execute_validate,
    specialist_fanout,
    debate,
    codegen_test_validate,
    approval_gated_execution,
    a2a_delegate,
    handoff_chain,
)
