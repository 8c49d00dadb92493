"""Router.dispatch end to end on offline models: every built-in protocol runs on its real
primitive, the result carries the frame, verdict and decision, and router.* events are published."""

from __future__ import annotations

import json
from typing import Any

import pytest

from locus import Agent
from locus.agent.composition import LoopAgent, ParallelPipeline, SequentialPipeline
from locus.core.messages import Message
from locus.models import FunctionModel, ScriptedModel
from locus.multiagent.debate import Debate, DebateResult
from locus.observability import get_event_bus, run_context
from locus.router import (
    CognitiveCompiler,
    FrameExtractionError,
    GoalFrame,
    Router,
    TaskType,
)

REQUESTS = {
    "What is our refund window?": {"primary_goal": "answer"},
    "Plan the Postgres 16 upgrade.": {"primary_goal": "plan"},
    "Diagnose the checkout API slowdown.": {"primary_goal": "diagnose", "domain": "payments"},
    "Postgres or SQLite for the ledger?": {"primary_goal": "compare"},
    "Write an add(a, b) function.": {"primary_goal": "generate_code"},
    "Roll back the checkout deploy.": {"primary_goal": "remediate", "domain": "payments"},
    "Get metrics, logs and traces to the on-call.": {
        "primary_goal": "coordinate",
        "domain": "payments",
    },
}


def extractor_reply(messages: list[Message], tools: Any) -> str:
    text = str(messages[-1].content)
    return json.dumps(REQUESTS.get(text, {"primary_goal": "answer"}))


def make_router(compiler: CognitiveCompiler) -> Router:
    extractor = Agent(model=FunctionModel(extractor_reply), output_schema=GoalFrame)
    return Router(extractor=extractor, compiler=compiler)


async def test_direct_response_is_one_agent(compiler: CognitiveCompiler) -> None:
    result = await make_router(compiler).dispatch("What is our refund window?")
    assert result.protocol_id == "direct_response"
    assert isinstance(result.result.raw.message, str)
    assert result.text == "[Answer the request directly and concisely] What is our refund window?"
    assert result.frame.primary_goal is TaskType.ANSWER
    assert result.verdict.allow
    assert not result.verdict.require_approval
    assert result.status == "completed"


async def test_plan_execute_validate_runs_planner_executor_validator(
    compiler: CognitiveCompiler,
) -> None:
    runnable = await compiler.compile(GoalFrame(primary_goal=TaskType.PLAN, domain="payments"))
    pipeline = runnable.pipeline  # type: ignore[attr-defined]
    assert isinstance(pipeline, SequentialPipeline)
    assert [list(a.tools) for a in pipeline.agents] == [
        [],
        ["read_metrics", "read_logs", "read_traces"],
        [],
    ]
    result = await make_router(compiler).dispatch("Plan the Postgres 16 upgrade.")
    # the validator saw the executor's report, which saw the planner's plan
    assert result.text.startswith("[Check the report against the success criteria")
    assert "[Carry out the plan" in result.text


async def test_specialist_fanout_runs_tool_bound_agents_in_parallel(
    compiler: CognitiveCompiler,
) -> None:
    result = await make_router(compiler).dispatch("Diagnose the checkout API slowdown.")
    assert result.protocol_id == "specialist_fanout"
    runnable_pipeline = (await compiler.compile(result.frame)).pipeline  # type: ignore[attr-defined]
    assert isinstance(runnable_pipeline, ParallelPipeline)
    assert [list(a.tools) for a in runnable_pipeline.agents] == [
        ["read_metrics"],
        ["read_logs"],
        ["read_traces"],
    ]
    # the synthesiser got every specialist's tool output
    for finding in ("p99 1800ms", "connection pool exhausted", "db.acquire"):
        assert finding in result.text


async def test_debate_returns_the_judges_verdict(compiler: CognitiveCompiler) -> None:
    result = await make_router(compiler).dispatch("Postgres or SQLite for the ledger?")
    assert result.protocol_id == "debate"
    assert isinstance(result.result.raw, DebateResult)
    assert result.result.parsed.winner == "advocate"
    assert result.text == "Postgres"
    assert [a.debater for a in result.result.raw.transcript] == ["advocate", "critic"]
    assert isinstance((await compiler.compile(result.frame)).debate, Debate)  # type: ignore[attr-defined]


async def test_codegen_loop_stops_on_pass(compiler: CognitiveCompiler) -> None:
    result = await make_router(compiler).dispatch("Write an add(a, b) function.")
    assert result.protocol_id == "codegen_test_validate"
    assert result.text.endswith("PASS")
    assert result.result.raw.iterations == 1
    assert result.result.raw.stop_reason == "TextMention('PASS')"
    assert isinstance((await compiler.compile(result.frame)).pipeline, LoopAgent)  # type: ignore[attr-defined]


async def test_codegen_loop_repairs_until_pass(compiler: CognitiveCompiler) -> None:
    verdicts = iter(["FAIL: add returns a - b", "FAIL: missing return", "PASS"])

    def coder_and_tester(messages: list[Message], tools: Any) -> str:
        system = str(messages[0].content)
        return next(verdicts) if system.startswith("Review and test") else "def add(a, b): ..."

    compiler.context = compiler.context.model_copy(
        update={"model": FunctionModel(coder_and_tester)}
    )
    result = await make_router(compiler).dispatch("Write an add(a, b) function.")
    assert result.text == "PASS"
    assert result.result.raw.iterations == 3


async def test_handoff_chain_is_a_sequence_of_one_tool_agents(
    compiler: CognitiveCompiler,
) -> None:
    result = await make_router(compiler).dispatch("Get metrics, logs and traces to the on-call.")
    assert result.protocol_id == "handoff_chain"
    pipeline = (await compiler.compile(result.frame)).pipeline  # type: ignore[attr-defined]
    assert isinstance(pipeline, SequentialPipeline)
    assert [len(a.tools) for a in pipeline.agents] == [1, 1, 1]
    assert "db.acquire" in result.text  # the last agent's tool output


async def test_approval_gated_runs_after_on_approval(compiler: CognitiveCompiler) -> None:
    result = await make_router(compiler).dispatch("Roll back the checkout deploy.")
    assert result.protocol_id == "approval_gated_execution"
    assert result.verdict.require_approval
    assert result.status == "completed"
    assert "p99 1800ms" in result.text


async def test_dispatch_publishes_router_events(compiler: CognitiveCompiler) -> None:
    async with run_context() as run_id:
        result = await make_router(compiler).dispatch("Diagnose the checkout API slowdown.")
    events = [e async for e in get_event_bus().subscribe(run_id)]
    router = [e for e in events if e.event_type.startswith("router.")]
    assert [e.event_type for e in router] == [
        "router.goal.extracted",
        "router.protocol.selected",
        "router.policy.checked",
        "router.compiled",
        "router.dispatch.completed",
    ]
    by_type = {e.event_type: e.data for e in router}
    assert by_type["router.goal.extracted"]["task_type"] == "diagnose"
    assert by_type["router.protocol.selected"]["protocol_id"] == "specialist_fanout"
    assert "a2a_delegate" in by_type["router.protocol.selected"]["dropped"]
    assert by_type["router.policy.checked"]["decision"] == "allow"
    assert by_type["router.compiled"]["runtime"].startswith("ParallelPipeline[")
    assert by_type["router.dispatch.completed"]["status"] == "completed"
    # the specialists' own events are on the same run
    assert any(e.event_type == "composition.parallel.completed" for e in events)
    assert result.decision is not None


async def test_explain_names_the_frame_each_candidate_and_the_pick(
    compiler: CognitiveCompiler,
) -> None:
    result = await make_router(compiler).dispatch("Diagnose the checkout API slowdown.")
    assert result.decision is not None
    text = result.decision.explain()
    assert text.splitlines()[0].startswith("frame: diagnose in 'payments', risk low")
    assert "specialist_fanout: kept (score 95): handles diagnose" in text
    assert "debate: dropped: does not handle diagnose" in text
    assert "a2a_delegate: dropped: requires ['a2a.remote_agent']" in text
    assert "picked: specialist_fanout (rule_based)" in text
    assert "policy: allow:" in text


async def test_frame_given_skips_extraction(compiler: CognitiveCompiler) -> None:
    extractor = Agent(model=ScriptedModel([]), output_schema=GoalFrame)  # would fail if called
    router = Router(extractor=extractor, compiler=compiler)
    frame = GoalFrame(primary_goal=TaskType.EXPLAIN)
    result = await router.dispatch("Why is the sky blue?", frame=frame)
    assert result.protocol_id == "direct_response"


async def test_failed_extraction_is_a_typed_error(compiler: CognitiveCompiler) -> None:
    bad = Agent(
        model=ScriptedModel(['{"primary_goal": "dance"}'] * 3),
        output_schema=GoalFrame,
        structured_output_retries=2,
    )
    router = Router(extractor=bad, compiler=compiler)
    async with run_context() as run_id:
        with pytest.raises(FrameExtractionError) as info:
            await router.dispatch("???")
    assert info.value.kind == "router_frame_extraction"
    assert "frame=GoalFrame" in str(info.value)
    types = [e.event_type async for e in get_event_bus().subscribe(run_id)]
    assert "router.goal.failed" in types
    assert "router.protocol.selected" not in types

    no_schema = Router(extractor=Agent(model=ScriptedModel(["hi"])), compiler=compiler)
    with pytest.raises(FrameExtractionError, match="no output_schema=GoalFrame"):
        await no_schema.dispatch("hi")


def test_on_frame_sees_each_frame_and_dispatch_sync(compiler: CognitiveCompiler) -> None:
    seen: list[GoalFrame] = []
    router = make_router(compiler)
    router.on_frame = seen.append
    result = router.dispatch_sync("What is our refund window?")
    assert result.protocol_id == "direct_response"
    assert [f.primary_goal for f in seen] == [TaskType.ANSWER]


async def test_denied_dispatch_runs_nothing(registry: Any, caps: Any, model: FunctionModel) -> None:
    from locus.router import PolicyDeniedError, PolicyGate, Risk

    calls: list[str] = []

    def extractor(messages: list[Message], tools: Any) -> str:
        return json.dumps({"primary_goal": "plan", "risk": "high"})

    def agents(messages: list[Message], tools: Any) -> str:
        calls.append("agent")
        return "planned"

    compiler = CognitiveCompiler(
        protocols=registry,
        capabilities=caps,
        policy=PolicyGate(max_risk=Risk.MEDIUM),
        model=FunctionModel(agents),
    )
    router = Router(
        extractor=Agent(model=FunctionModel(extractor), output_schema=GoalFrame),
        compiler=compiler,
    )
    async with run_context() as run_id:
        with pytest.raises(PolicyDeniedError) as info:
            await router.dispatch("Drop the orders table and re-create it.")
    assert info.value.verdict.decision == "deny"
    assert calls == []
    events = [e async for e in get_event_bus().subscribe(run_id)]
    checked = [e.data for e in events if e.event_type == "router.policy.checked"]
    assert checked[0]["decision"] == "deny"
    assert not any(e.event_type == "router.compiled" for e in events)
