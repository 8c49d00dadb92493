"""Untyped canonical events of the router, RAG, memory, A2A and server layers.

Each entry: type, description, data keys, emitting module.
"""

from __future__ import annotations

__all__ = ["SERVICE_EVENTS"]

_ROUTER = "locus.router"
_RAG = "locus.rag"
_CKPT = "locus.checkpoint"
_A2A = "locus.a2a"
_SERVER = "locus.server"

SERVICE_EVENTS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    # router.*
    (
        "router.goal.extracted",
        "The extractor turned the request into a typed GoalFrame.",
        ("goal_preview", "task_type", "risk", "complexity", "domain"),
        _ROUTER,
    ),
    (
        "router.goal.failed",
        "The extractor produced no valid GoalFrame (FrameExtractionError).",
        ("goal_preview", "error"),
        _ROUTER,
    ),
    (
        "router.protocol.selected",
        "The registry picked a protocol for the goal.",
        ("protocol_id", "score", "method", "candidates", "dropped"),
        _ROUTER,
    ),
    (
        "router.protocol.no_match",
        "Every protocol was dropped for the goal (NoMatchingProtocolError).",
        ("task_type", "risk", "dropped"),
        _ROUTER,
    ),
    (
        "router.picker.fallback",
        "The LLM protocol picker failed; the rule-based pick was used.",
        ("protocol_id", "error"),
        _ROUTER,
    ),
    (
        "router.policy.checked",
        "The PolicyGate judged the plan's risk.",
        ("protocol_id", "risk", "decision", "reason"),
        _ROUTER,
    ),
    (
        "router.approval.required",
        "The plan needs human approval; the run is paused on its thread.",
        ("protocol_id", "risk", "reason", "thread_id"),
        _ROUTER,
    ),
    (
        "router.approval.answered",
        "A human or on_approval answered the approval.",
        ("protocol_id", "approved"),
        _ROUTER,
    ),
    (
        "router.compiled",
        "The CognitiveCompiler built the runtime for the protocol.",
        ("protocol_id", "runtime", "tools"),
        _ROUTER,
    ),
    (
        "router.dispatch.completed",
        "Router.dispatch (or resume) returned its result.",
        ("protocol_id", "status", "text_preview", "duration_ms"),
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
        "memory.conversation.compacted",
        "A conversation manager trimmed or summarised the thread the model sees.",
        ("manager", "messages_before", "messages_after", "summarized"),
        "locus.memory.conversation",
    ),
    (
        "memory.store.put",
        "A value was written to the cross-thread store.",
        ("namespace", "key", "backend", "version"),
        "locus.memory.store",
    ),
    (
        "memory.store.deleted",
        "A value was deleted from the cross-thread store.",
        ("namespace", "key", "backend"),
        "locus.memory.store",
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
