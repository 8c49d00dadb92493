"""Untyped canonical events of the agent, multi-agent and composition layers.

Each entry: type, description, data keys, emitting module.

The typed agent events of :mod:`locus.core.events` are added from their
classes in :mod:`locus.observability._catalogue`.
"""

from __future__ import annotations

from locus.observability._catalogue_services import SERVICE_EVENTS

__all__ = ["UNTYPED_EVENTS"]

_AGENT = "locus.agent"
_LOOP = "locus.loop"
_ORCH = "locus.multiagent.orchestrator"
_SWARM = "locus.multiagent.swarm"
_HANDOFF = "locus.multiagent.handoff"
_DEBATE = "locus.multiagent.debate"
_GRAPH = "locus.multiagent.graph"
_FUNC = "locus.multiagent.functional"
_COMP = "locus.agent.composition"
_EVAL = "locus.evaluation"
_PLAYBOOK = "locus.playbooks"
_SKILLS = "locus.skills"
_PROVIDERS = "locus.providers"

AGENT_EVENTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    # agent.*
    (
        "agent.resumed",
        "A run continued a thread loaded from the checkpointer.",
        ("thread_id", "messages", "iteration"),
        _AGENT,
    ),
    (
        "agent.structured_output.retry",
        "The model's output failed output_schema validation and was sent back.",
        ("attempt", "max_attempts", "error"),
        _LOOP,
    ),
    (
        "agent.causal",
        "CausalChain traced a root cause from the evidence trail.",
        ("root_cause", "chain_length", "confidence"),
        "locus.reasoning.causal",
    ),
    (
        "agent.gsar",
        "GSAR partitioned the answer's claims and chose a replanning tier.",
        ("grounded", "ungrounded", "contradicted", "complementary", "tier"),
        "locus.reasoning.gsar",
    ),
    (
        "agent.hook.cancelled",
        "A hook cancelled a model or tool call.",
        ("hook", "point", "reason"),
        "locus.hooks",
    ),
    (
        "agent.eval.started",
        "An EvalRunner started a suite.",
        ("cases", "concurrency", "checks"),
        _EVAL,
    ),
    (
        "agent.eval.case.completed",
        "One evaluation case ran and was graded.",
        ("case", "passed", "score", "duration_ms", "failed_checks", "error"),
        _EVAL,
    ),
    (
        "agent.eval.completed",
        "An EvalRunner finished a suite.",
        ("total", "passed", "failed", "avg_score"),
        _EVAL,
    ),
    (
        "agent.playbook.violation",
        "A tool call broke the playbook (out of order, precondition, extra tool, step budget).",
        ("playbook", "violation_type", "step_id", "tool_name", "blocked"),
        _PLAYBOOK,
    ),
    (
        "agent.playbook.step.completed",
        "A playbook step completed (its expected tools succeeded) or was skipped.",
        ("playbook", "step_id", "status", "tool_calls"),
        _PLAYBOOK,
    ),
    (
        "agent.playbook.completed",
        "Every step of a playbook is done.",
        ("playbook", "steps", "tool_calls", "violations"),
        _PLAYBOOK,
    ),
    (
        "agent.skill.activated",
        "The model opened a skill: its instructions now go with each model call.",
        ("skill", "resources"),
        _SKILLS,
    ),
    (
        "agent.web.fetched",
        "HTTPXWebFetcher fetched a page (after its address and size checks).",
        ("url", "status", "chars", "truncated"),
        _PROVIDERS,
    ),
    (
        "agent.guardrail.triggered",
        "A guardrail hook blocked, redacted or warned about content or a tool call.",
        ("hook", "rule", "action", "location", "description"),
        "locus.hooks.builtin (guardrails)",
    ),
    (
        "agent.steering.decided",
        "A SteeringHook judged a proposed tool call or answer: proceed, rewrite or guide.",
        ("kind", "tool_name", "action", "reason"),
        "locus.hooks.builtin (steering)",
    ),
    # agent.tool.*
    (
        "agent.tool.deduplicated",
        "An idempotent tool call was answered from the ledger; the body did not run.",
        ("tool_name", "tool_call_id", "key", "in_doubt"),
        "locus.tools",
    ),
    (
        "agent.tool.validation_failed",
        "Tool arguments failed schema validation; the error goes back to the model.",
        ("tool_name", "tool_call_id", "error"),
        "locus.tools",
    ),
    (
        "agent.tool.timeout",
        "A tool call exceeded its timeout.",
        ("tool_name", "tool_call_id", "timeout_s"),
        "locus.tools",
    ),
    (
        "agent.tool.progress",
        "A running tool reported progress through ToolContext.emit.",
        ("tool_name", "tool_call_id", "message", "fraction"),
        "locus.tools (ToolContext)",
    ),
    (
        "agent.tool.cancelled",
        "A hook cancelled a tool call before it ran.",
        ("tool_name", "tool_call_id", "reason"),
        "locus.hooks",
    ),
    # agent.model.*
    (
        "agent.model.started",
        "A model call is about to be sent.",
        ("model", "messages", "tools"),
        _LOOP,
    ),
    (
        "agent.model.retry",
        "A throttled or failed model call will be retried after a delay.",
        ("model", "attempt", "delay_s", "reason"),
        "locus.hooks (ModelRetry)",
    ),
    (
        "agent.model.error",
        "A model call failed for good.",
        ("model", "error_kind", "message"),
        _LOOP,
    ),
    # multiagent.*
    (
        "multiagent.orchestrator.started",
        "An Orchestrator began routing a task among its specialists.",
        ("orchestrator", "specialists", "task_preview"),
        _ORCH,
    ),
    (
        "multiagent.orchestrator.delegated",
        "The orchestrator's RoutingDecision sent a sub-task to a specialist.",
        ("specialist", "task_preview"),
        _ORCH,
    ),
    (
        "multiagent.orchestrator.completed",
        "The orchestrator correlated the findings into its summary.",
        ("orchestrator", "delegations", "final_message_preview"),
        _ORCH,
    ),
    (
        "multiagent.specialist.completed",
        "A specialist finished its sub-task (error set when it failed).",
        ("specialist", "output_preview", "duration_ms", "confidence", "error"),
        _ORCH,
    ),
    (
        "multiagent.swarm.started",
        "A Swarm began working its task queue.",
        ("agents", "task_preview"),
        _SWARM,
    ),
    (
        "multiagent.swarm.turn",
        "A swarm agent finished (or failed, or timed out on) a task it claimed.",
        ("agent", "turn", "task_id", "status", "output_preview"),
        _SWARM,
    ),
    (
        "multiagent.swarm.completed",
        "The swarm's queue was done (or its rounds used up) and it summarised.",
        ("turns", "completed", "failed", "final_message_preview"),
        _SWARM,
    ),
    (
        "multiagent.handoff.requested",
        "An agent called a transfer tool to hand the conversation to another.",
        ("source_agent_id", "target_agent_id", "reason"),
        _HANDOFF,
    ),
    (
        "multiagent.debate.argued",
        "A debater made its case for one round.",
        ("debater", "round", "output_preview"),
        _DEBATE,
    ),
    (
        "multiagent.debate.verdict",
        "The judge returned its typed verdict.",
        ("winner", "confidence", "reasoning_preview"),
        _DEBATE,
    ),
    (
        "multiagent.graph.started",
        "A StateGraph run began.",
        ("graph", "thread_id", "entry"),
        _GRAPH,
    ),
    (
        "multiagent.graph.node.started",
        "A graph node began a step.",
        ("node", "step"),
        _GRAPH,
    ),
    (
        "multiagent.graph.node.completed",
        "A graph node finished a step.",
        ("node", "step", "duration_ms", "updates"),
        _GRAPH,
    ),
    (
        "multiagent.graph.node.routed",
        "Edges from a node chose the next nodes.",
        ("node", "targets", "step"),
        _GRAPH,
    ),
    (
        "multiagent.graph.node.retry",
        "A node failed and is retried under its retry policy.",
        ("node", "attempt", "error"),
        _GRAPH,
    ),
    (
        "multiagent.graph.node.cached",
        "A node's result came from its cache.",
        ("node", "step"),
        _GRAPH,
    ),
    (
        "multiagent.graph.send",
        "Send fanned work out to node instances (map-reduce).",
        ("node", "count", "step"),
        _GRAPH,
    ),
    (
        "multiagent.graph.interrupted",
        "A node called interrupt(); the graph paused for input.",
        ("node", "interrupt_id", "payload"),
        _GRAPH,
    ),
    (
        "multiagent.graph.resumed",
        "Command(resume=...) resumed a paused graph.",
        ("node", "interrupt_id"),
        _GRAPH,
    ),
    (
        "multiagent.graph.custom",
        "A node passed a value to emit_custom() (astream stream_mode='custom').",
        ("node", "data"),
        _GRAPH,
    ),
    (
        "multiagent.graph.completed",
        "A StateGraph run reached END.",
        ("graph", "steps"),
        _GRAPH,
    ),
    (
        "multiagent.task.started",
        "A Functional API @task began.",
        ("task", "entrypoint"),
        _FUNC,
    ),
    (
        "multiagent.task.completed",
        "A Functional API @task finished.",
        ("task", "entrypoint", "duration_ms", "cached"),
        _FUNC,
    ),
    (
        "multiagent.deepagent.started",
        "A DeepAgent research workflow began.",
        ("workflow", "task_preview"),
        "locus.deepagent",
    ),
    (
        "multiagent.deepagent.replanned",
        "The research workflow's quality loop asked for another pass.",
        ("iteration", "grounding_score", "reason"),
        "locus.deepagent",
    ),
    # composition.*
    (
        "composition.sequential.started",
        "A SequentialPipeline began.",
        ("pipeline", "steps"),
        _COMP,
    ),
    (
        "composition.sequential.step",
        "A pipeline step finished; its output feeds the next step.",
        ("pipeline", "index", "agent", "output_preview"),
        _COMP,
    ),
    (
        "composition.sequential.completed",
        "A SequentialPipeline finished.",
        ("pipeline", "steps", "final_message_preview"),
        _COMP,
    ),
    (
        "composition.parallel.started",
        "A ParallelPipeline fanned out to its branches.",
        ("pipeline", "branches"),
        _COMP,
    ),
    (
        "composition.parallel.branch.completed",
        "One parallel branch finished.",
        ("pipeline", "index", "agent", "output_preview", "error"),
        _COMP,
    ),
    (
        "composition.parallel.completed",
        "Every parallel branch finished and the results were merged.",
        ("pipeline", "branches", "failed"),
        _COMP,
    ),
    (
        "composition.loop.iteration",
        "A LoopAgent finished one iteration.",
        ("loop", "iteration", "output_preview"),
        _COMP,
    ),
    (
        "composition.loop.completed",
        "A LoopAgent stopped.",
        ("loop", "iterations", "reason"),
        _COMP,
    ),
)

UNTYPED_EVENTS = AGENT_EVENTS + SERVICE_EVENTS
"""Every untyped canonical event."""
