"""Request and response bodies of the HTTP API (they are also its OpenAPI schemas)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CHECKPOINT_ID_PATTERN",
    "THREAD_ID_PATTERN",
    "ErrorBody",
    "ErrorResponse",
    "ForkRequest",
    "ForkResponse",
    "HealthResponse",
    "InvokeRequest",
    "InvokeResponse",
    "PendingCall",
    "ResumeRequest",
    "ThreadList",
    "ThreadView",
]

OnBusy = Literal["reject", "enqueue", "interrupt", "rollback"]
"""What a run does when its thread already has one (``locus.checkpoint.OnBusy``)."""

THREAD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$"
"""What a client may use as a thread id: 1-128 letters, digits and ``._:@-``."""

CHECKPOINT_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"
"""What a checkpoint id looks like."""


class InvokeRequest(BaseModel):
    """Body of ``POST /invoke`` and ``POST /stream``.

    Attributes:
        prompt: The user's message.
        thread_id: Continue (or start) this conversation; omitted: a new thread
            whose id the response returns.
        metadata: Free-form caller data, echoed nowhere and stored nowhere (for
            middleware and logs).
        on_busy: Double texting: what happens when the thread already has a
            run, in this or any server process sharing the checkpointer.
        busy_timeout: Seconds to wait for the thread before 409.
    """

    model_config = ConfigDict(extra="forbid")

    prompt: str = Field(min_length=1, description="The user's message.")
    thread_id: str | None = Field(
        default=None,
        pattern=THREAD_ID_PATTERN,
        description="Conversation to continue or start (1-128 chars of A-Z a-z 0-9 ._:@-).",
    )
    metadata: dict[str, Any] = Field(default_factory=dict)
    on_busy: OnBusy = Field(
        default="enqueue",
        description="When the thread already has a run: wait for it (enqueue), 409 at once "
        "(reject), stop it keeping its work (interrupt) or discarding it (rollback).",
    )
    busy_timeout: float = Field(
        default=60.0, gt=0, le=600, description="Seconds to wait for a busy thread (then 409)."
    )


class PendingCall(BaseModel):
    """A tool call (or a graph node) paused for a human answer, with the token that approves it.

    Attributes:
        tool_call_id: The model's id for the call; for a paused graph node,
            the id of its ``interrupt()``.
        tool_name: The tool that paused; for a graph, the node.
        arguments: The call's arguments as the model gave them (empty for a graph).
        interrupt: What the tool or node asked (``interrupt()``'s payload and id).
        approval_token: Send this back to ``POST /threads/{id}/resume``; it is
            bound to this thread, this call (or interrupt) id and these exact
            arguments (for a graph: the interrupt's payload).
    """

    tool_call_id: str
    tool_name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    interrupt: dict[str, Any] = Field(default_factory=dict)
    approval_token: str


class InvokeResponse(BaseModel):
    """Body of a finished run: the agent's :class:`~locus.agent.AgentResult` as JSON.

    Attributes:
        message: The final answer text.
        success: ``False`` when the run paused for input or ended on an error branch.
        thread_id: The conversation (send it back to continue).
        pending: Paused tool calls waiting for ``POST /threads/{id}/resume``.
        duration_ms: Wall time of the run on the server.
    """

    message: str = ""
    success: bool = True
    stop_reason: str = ""
    iterations: int = 0
    tool_calls: int = 0
    usage: dict[str, Any] = Field(default_factory=dict)
    tool_executions: list[dict[str, Any]] = Field(default_factory=list)
    structured_output: Any = None
    grounding_score: float | None = None
    confidence: float | None = None
    interrupts: list[dict[str, Any]] = Field(default_factory=list)
    pending: list[PendingCall] = Field(default_factory=list)
    thread_id: str
    run_id: str = ""
    duration_ms: float = 0.0


class ResumeRequest(BaseModel):
    """Body of ``POST /threads/{id}/resume``.

    For a thread paused on calls: the answer to the first paused call, with
    that call's id and approval token. For a run that stopped without
    finishing (its worker died, or it failed): an empty body continues it
    from its last checkpoint.

    Attributes:
        answer: What ``interrupt()`` returns inside the paused tool (any JSON).
        tool_call_id: The paused call being answered (from ``pending``).
        approval_token: The call's ``approval_token``.
    """

    model_config = ConfigDict(extra="forbid")

    answer: Any = None
    tool_call_id: str | None = Field(default=None, min_length=1, max_length=256)
    approval_token: str | None = Field(default=None, min_length=1, max_length=256)
    on_busy: OnBusy = "enqueue"
    busy_timeout: float = Field(default=60.0, gt=0, le=600)


class ThreadView(BaseModel):
    """Body of ``GET /threads/{id}``: the conversation and what it waits for.

    Attributes:
        status: ``running`` (unfinished), ``interrupted``, ``completed`` or ``failed``.
        messages: The conversation (a graph's: its ``messages`` state key).
        values: A served graph's or pattern's state values (``null`` for an agent).
        next: A graph's nodes of the next step (what a resume or continue runs).
        pending: Paused calls and their approval tokens.
        checkpoints: The thread's checkpoints, newest first.
        running: A run of the thread is in flight in this server process.
    """

    thread_id: str
    status: str
    messages: list[dict[str, Any]] = Field(default_factory=list)
    values: dict[str, Any] | None = None
    next: list[str] = Field(default_factory=list)
    pending: list[PendingCall] = Field(default_factory=list)
    checkpoints: list[dict[str, Any]] = Field(default_factory=list)
    running: bool = False


class ForkRequest(BaseModel):
    """Body of ``POST /threads/{id}/fork``: start a new thread from a checkpoint.

    Attributes:
        checkpoint_id: The checkpoint to start from (default: the latest).
        new_thread_id: Id of the new thread (default: generated).
    """

    model_config = ConfigDict(extra="forbid")

    checkpoint_id: str | None = Field(default=None, pattern=CHECKPOINT_ID_PATTERN)
    new_thread_id: str | None = Field(default=None, pattern=THREAD_ID_PATTERN)


class ForkResponse(BaseModel):
    """The new thread of a fork and its first checkpoint."""

    thread_id: str
    checkpoint_id: str


class ThreadList(BaseModel):
    """Body of ``GET /threads``: the caller's thread ids."""

    threads: list[str] = Field(default_factory=list)


class HealthResponse(BaseModel):
    """Body of ``GET /health``."""

    status: str = "ok"
    agent: str = ""
    version: str = ""


class ErrorBody(BaseModel):
    """What went wrong: a stable ``kind`` and a message saying what to do next."""

    kind: str
    message: str
    detail: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    """Every 4xx/5xx answer of the server: ``{"error": {"kind": ..., "message": ...}}``."""

    error: ErrorBody
