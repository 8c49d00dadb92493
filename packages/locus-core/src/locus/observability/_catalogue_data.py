"""Untyped canonical events (published with ``emit``): type, description, data keys, emitter.

The typed agent events of :mod:`locus.core.events` are added from their
classes in :mod:`locus.observability._catalogue`.
"""

from __future__ import annotations

__all__ = ["UNTYPED_EVENTS"]

_AGENT = "locus.agent"
_LOOP = "locus.loop"
_ORCH = "locus.multiagent.orchestrator"
_SWARM = "locus.multiagent.swarm"
_HANDOFF = "locus.multiagent.handoff"
_GRAPH = "locus.multiagent.graph"
_FUNC = "locus.multiagent.functional"
_COMP = "locus.agent.composition"
_ROUTER = "locus.router"
_RAG = "locus.rag"
_CKPT = "locus.checkpoint"
_A2A = "locus.server.a2a"
_SERVER = "locus.server"

UNTYPED_EVENTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
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
        "agent.model.failover",
        "A model call failed over to the next model.",
        ("from_model", "to_model", "reason"),
        "locus.models.failover",
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
        "An Orchestrator began coordinating its specialists.",
        ("orchestrator", "specialists", "task_preview"),
        _ORCH,
    ),
    (
        "multiagent.orchestrator.delegated",
        "The orchestrator handed a sub-task to a specialist.",
        ("specialist", "task_preview"),
        _ORCH,
    ),
    (
        "multiagent.orchestrator.completed",
        "The orchestrator produced its final answer.",
        ("orchestrator", "delegations", "final_message_preview"),
        _ORCH,
    ),
    (
        "multiagent.specialist.completed",
        "A specialist finished its sub-task.",
        ("specialist", "output_preview", "duration_ms"),
        _ORCH,
    ),
    (
        "multiagent.swarm.started",
        "A Swarm began with its agents and shared context.",
        ("agents", "task_preview"),
        _SWARM,
    ),
    (
        "multiagent.swarm.turn",
        "A swarm agent took a turn.",
        ("agent", "turn", "output_preview"),
        _SWARM,
    ),
    (
        "multiagent.swarm.completed",
        "The swarm reached its final answer.",
        ("turns", "final_agent", "final_message_preview"),
        _SWARM,
    ),
    (
        "multiagent.handoff.requested",
        "An agent asked to hand the conversation to another.",
        ("from_agent", "to_agent", "reason"),
        _HANDOFF,
    ),
    (
        "multiagent.handoff.completed",
        "The receiving agent took over the conversation.",
        ("from_agent", "to_agent", "reason"),
        _HANDOFF,
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
        "multiagent.graph.completed",
        "A StateGraph run reached END.",
        ("graph", "steps", "duration_ms"),
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
    # router.*
    (
        "router.goal.extracted",
        "The extractor turned the request into a typed GoalFrame.",
        ("goal_preview", "task_type", "risk"),
        _ROUTER,
    ),
    (
        "router.protocol.selected",
        "The registry picked a protocol for the goal.",
        ("protocol_id", "score", "candidates"),
        _ROUTER,
    ),
    (
        "router.policy.checked",
        "The PolicyGate judged the plan's risk.",
        ("protocol_id", "risk", "decision"),
        _ROUTER,
    ),
    (
        "router.approval.required",
        "The plan needs human approval before it runs.",
        ("protocol_id", "risk", "reason"),
        _ROUTER,
    ),
    (
        "router.compiled",
        "The CognitiveCompiler built the runtime for the protocol.",
        ("protocol_id", "runtime", "agents"),
        _ROUTER,
    ),
    (
        "router.dispatch.completed",
        "Router.dispatch returned its result.",
        ("protocol_id", "text_preview", "duration_ms"),
        _ROUTER,
    ),
    # rag.*
    (
        "rag.embed.completed",
        "Texts were embedded.",
        ("model", "count", "dimensions", "duration_ms"),
        _RAG,
    ),
    (
        "rag.index.added",
        "Documents were added to a vector store.",
        ("store", "count"),
        _RAG,
    ),
    (
        "rag.retrieve.started",
        "A retriever began a query.",
        ("store", "query_preview", "k"),
        _RAG,
    ),
    (
        "rag.retrieve.completed",
        "A retriever returned documents.",
        ("store", "count", "top_score", "duration_ms"),
        _RAG,
    ),
    (
        "rag.rerank.completed",
        "A reranker reordered retrieved documents.",
        ("model", "count", "top_score"),
        _RAG,
    ),
    # memory.*
    (
        "memory.checkpoint.saved",
        "A checkpointer saved a thread's state.",
        ("thread_id", "checkpoint_id", "backend", "size_bytes"),
        _CKPT,
    ),
    (
        "memory.checkpoint.loaded",
        "A checkpointer loaded a thread's state.",
        ("thread_id", "checkpoint_id", "backend"),
        _CKPT,
    ),
    (
        "memory.checkpoint.deleted",
        "A thread's checkpoints were deleted.",
        ("thread_id", "backend"),
        _CKPT,
    ),
    (
        "memory.checkpoint.missing",
        "No checkpoint exists for the thread; the run starts fresh.",
        ("thread_id", "backend"),
        _CKPT,
    ),
    (
        "memory.idempotency.recorded",
        "An idempotent tool call's intent or result was written to the ledger.",
        ("key", "tool_name", "status"),
        "locus.tools",
    ),
    # a2a.*
    (
        "a2a.request.sent",
        "The A2A client sent a task to a remote agent.",
        ("url", "task_id", "message_preview"),
        _A2A,
    ),
    (
        "a2a.response.received",
        "The A2A client got the remote agent's answer.",
        ("url", "task_id", "status", "duration_ms"),
        _A2A,
    ),
    (
        "a2a.task.received",
        "The A2A server accepted a task.",
        ("task_id", "agent", "message_preview"),
        _A2A,
    ),
    (
        "a2a.task.completed",
        "The A2A server finished a task.",
        ("task_id", "status", "output_preview"),
        _A2A,
    ),
    (
        "a2a.error",
        "An A2A call failed.",
        ("url", "task_id", "error"),
        _A2A,
    ),
    # server.*
    (
        "server.request.received",
        "AgentServer accepted a request.",
        ("method", "path", "thread_id"),
        _SERVER,
    ),
    (
        "server.request.completed",
        "AgentServer answered a request.",
        ("method", "path", "status", "duration_ms"),
        _SERVER,
    ),
    (
        "server.stream.opened",
        "A client opened an SSE stream.",
        ("thread_id",),
        _SERVER,
    ),
    (
        "server.stream.closed",
        "An SSE stream ended.",
        ("thread_id", "events", "dropped"),
        _SERVER,
    ),
    (
        "server.thread.deleted",
        "A client deleted one of its threads.",
        ("thread_id",),
        _SERVER,
    ),
    (
        "server.auth.failed",
        "A request was refused for a missing or wrong API key.",
        ("method", "path"),
        _SERVER,
    ),
)
