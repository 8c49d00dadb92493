"""The built-in protocols' builders: each returns a Runnable over a real locus primitive."""

from __future__ import annotations

from typing import Any

from locus.agent import Agent
from locus.agent.composition import LoopAgent, ParallelPipeline, SequentialPipeline
from locus.core.errors import ConfigError
from locus.router.goal_frame import GoalFrame
from locus.router.protocol import BuilderContext
from locus.router.runnable import (
    A2ARunnable,
    AgentRunnable,
    DebateRunnable,
    PipelineRunnable,
    wrap_a2a,
    wrap_agent,
    wrap_debate,
    wrap_pipeline,
)
from locus.router.skill_index import skills_prompt

__all__ = [
    "build_a2a_delegate",
    "build_approval_gated_execution",
    "build_codegen_test_validate",
    "build_debate",
    "build_direct_response",
    "build_handoff_chain",
    "build_plan_execute_validate",
    "build_specialist_fanout",
]


def _prompt(role: str, frame: GoalFrame, ctx: BuilderContext) -> str:
    criteria = "; ".join(frame.success_criteria)
    done = f"\nSuccess criteria: {criteria}." if criteria else ""
    return f"{role} Domain: {frame.domain}.{done}{skills_prompt(ctx.skills, frame.domain)}"


def _agent(name: str, role: str, frame: GoalFrame, ctx: BuilderContext, tools: Any = None) -> Agent:
    return Agent(model=ctx.model, tools=tools, system_prompt=_prompt(role, frame, ctx), name=name)


def _frame_tools(frame: GoalFrame, ctx: BuilderContext) -> list[Any]:
    return [tool for _, tool in ctx.capabilities.tools_for(frame)]


def build_direct_response(frame: GoalFrame, ctx: BuilderContext) -> AgentRunnable:
    """One Agent."""
    agent = _agent("responder", "Answer the request directly and concisely.", frame, ctx)
    return wrap_agent(agent, "direct_response", frame)


def build_plan_execute_validate(frame: GoalFrame, ctx: BuilderContext) -> PipelineRunnable:
    """SequentialPipeline: planner -> executor (the frame's tools) -> validator."""
    planner = _agent("planner", "Write a short numbered plan for the request.", frame, ctx)
    executor = _agent(
        "executor",
        "Carry out the plan you are given, using your tools; report what you did.",
        frame,
        ctx,
        _frame_tools(frame, ctx),
    )
    validator = _agent(
        "validator",
        "Check the report against the success criteria; give the final answer.",
        frame,
        ctx,
    )
    pipeline = SequentialPipeline([planner, executor, validator], name="plan_execute_validate")
    return wrap_pipeline(pipeline, "plan_execute_validate", frame)


def build_specialist_fanout(frame: GoalFrame, ctx: BuilderContext) -> PipelineRunnable:
    """ParallelPipeline of one tool-bound specialist per capability; a synthesiser merges."""
    specialists = [
        _agent(
            f"{capability.id.replace('.', '_')}_specialist",
            f"You investigate with {tool.name} ({capability.description or capability.id}). "
            "Report your findings in two sentences.",
            frame,
            ctx,
            [tool],
        )
        for capability, tool in ctx.capabilities.tools_for(frame)
    ]
    synthesiser = _agent(
        "synthesiser", "Merge the specialists' findings into one answer.", frame, ctx
    )
    pipeline = ParallelPipeline(specialists, merge=synthesiser, name="specialist_fanout")
    return wrap_pipeline(pipeline, "specialist_fanout", frame)


def build_debate(frame: GoalFrame, ctx: BuilderContext) -> DebateRunnable:
    """The Debate pattern: an advocate and a critic, then a judge."""
    from locus.multiagent.debate import Debate

    advocate = _agent("advocate", "Argue for the strongest option.", frame, ctx)
    critic = _agent("critic", "Argue against the other side's case.", frame, ctx)
    judge = _agent("judge", "Weigh both cases and decide.", frame, ctx)
    debate = Debate(debaters=[advocate, critic], judge=judge, rounds=1)
    return wrap_debate(debate, "debate", frame)


def build_codegen_test_validate(frame: GoalFrame, ctx: BuilderContext) -> PipelineRunnable:
    """LoopAgent over coder -> tester, stopping when the tester's answer contains PASS."""
    coder = _agent(
        "coder", "Write (or fix) the code the request asks for. Reply with code only.", frame, ctx
    )
    tester = _agent(
        "tester",
        "Review and test the code. Reply with the code and PASS, or FAIL and what to fix.",
        frame,
        ctx,
        _frame_tools(frame, ctx),
    )
    step = SequentialPipeline([coder, tester], name="code_then_test")
    loop = LoopAgent(step, until="PASS", max_loops=3, name="codegen_test_validate")
    return wrap_pipeline(loop, "codegen_test_validate", frame)


def build_approval_gated_execution(frame: GoalFrame, ctx: BuilderContext) -> AgentRunnable:
    """The agent that acts (the frame's tools); the compiler puts it behind the approval gate."""
    agent = _agent(
        "operator",
        "You were approved to act. Carry out the request with your tools and report.",
        frame,
        ctx,
        _frame_tools(frame, ctx),
    )
    return wrap_agent(agent, "approval_gated_execution", frame)


def build_a2a_delegate(frame: GoalFrame, ctx: BuilderContext) -> A2ARunnable:
    """The remote agent at ``a2a_endpoint`` (or the given ``a2a_client``)."""
    client = ctx.a2a_client
    if client is not None:
        return wrap_a2a(client, "a2a_delegate", frame)
    if ctx.a2a_endpoint is None:
        raise ConfigError("a2a_delegate needs CognitiveCompiler(a2a_endpoint=...)")
    try:
        from locus.a2a import A2AClient
    except ModuleNotFoundError as exc:
        raise ConfigError(
            "a2a_delegate needs locus-a2a: pip install 'locus-router[a2a]'", cause=exc
        ) from exc
    owned = A2AClient(ctx.a2a_endpoint)
    return A2ARunnable(client=owned, owns_client=True, protocol_id="a2a_delegate", frame=frame)


def build_handoff_chain(frame: GoalFrame, ctx: BuilderContext) -> PipelineRunnable:
    """SequentialPipeline of one-tool agents, in capability order."""
    agents = [
        _agent(
            f"{capability.id.replace('.', '_')}_step",
            f"Do your part with {tool.name}, then hand over what the next step needs.",
            frame,
            ctx,
            [tool],
        )
        for capability, tool in ctx.capabilities.tools_for(frame)
    ]
    return wrap_pipeline(SequentialPipeline(agents, name="handoff_chain"), "handoff_chain", frame)
