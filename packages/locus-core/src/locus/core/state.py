"""Agent run state: what a checkpoint holds and what the loop mutates.

:class:`AgentState` is the single source of truth of a run: the conversation,
every tool execution, the iteration counter, the latest self-assessed
confidence, token usage, and the idempotency ledger that keeps
``@tool(idempotent=True)`` from running a call twice across restarts
(exactly once with ``in_doubt="retry"`` and a downstream that dedupes on the
key; see docs/tools.md and ``tests/test_exactly_once_dedupe.py``).
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from locus.core._edits import note_edit
from locus.core.messages import Message

__all__ = [
    "AgentState",
    "IdempotencyRecord",
    "ReasoningStep",
    "RunStatus",
    "TokenUsage",
    "ToolExecution",
]

RunStatus = Literal["running", "completed", "interrupted", "failed"]


class ReasoningStep(BaseModel):
    """One model turn of a run: what it said, the tools it called and what they returned.

    A view built from the state (``AgentResult.reasoning_steps``), in the
    original locus's shape; nothing stores it separately. ``timestamp`` is
    always ``None``: a wall-clock time written into each assistant message
    would make a replayed run's messages differ from the original's (DBOS
    recovery, equal-result checks); per-turn times are on the events
    (``ModelCompleteEvent.duration_ms``) and in OpenTelemetry spans.
    """

    model_config = ConfigDict(defer_build=True)

    iteration: int
    thought: str | None = None
    tool_calls: list[dict[str, Any]] = Field(default_factory=list)
    tool_results: list[dict[str, Any]] = Field(default_factory=list)
    reflection: str | None = None
    confidence_delta: float = 0.0
    timestamp: float | None = None


class TokenUsage(BaseModel):
    """Token counts in the common shape every provider maps to.

    Attributes:
        prompt_tokens: Input tokens billed.
        completion_tokens: Output tokens billed (reasoning included).
        total_tokens: ``prompt_tokens + completion_tokens`` unless the provider says otherwise.
        cache_read_tokens: Prompt tokens served from the provider's prompt cache.
        cache_write_tokens: Prompt tokens written to the provider's prompt cache.
        reasoning_tokens: Output tokens spent on hidden reasoning / thinking.
    """

    model_config = ConfigDict(defer_build=True)

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0

    @classmethod
    def from_dict(cls, usage: dict[str, Any] | None) -> TokenUsage:
        """Read a provider-neutral usage dict (missing keys count as zero)."""
        if not usage:
            return cls()
        names = _USAGE_FIELDS if cls is TokenUsage else frozenset(cls.model_fields)
        fields = {k: int(v or 0) for k, v in usage.items() if k in names}
        out = cls(**fields)
        if not out.total_tokens:
            out.total_tokens = out.prompt_tokens + out.completion_tokens
        return out

    def add(self, other: TokenUsage) -> None:
        """Accumulate ``other`` into this record in place."""
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.total_tokens += other.total_tokens
        self.cache_read_tokens += other.cache_read_tokens
        self.cache_write_tokens += other.cache_write_tokens
        self.reasoning_tokens += other.reasoning_tokens


_USAGE_FIELDS = frozenset(TokenUsage.model_fields)


class ToolExecution(BaseModel):
    """One tool call as it ran (or was answered from the ledger).

    As for :class:`~locus.core.messages.Message`, assigning a field is seen by
    the next checkpoint save; changing a value inside one (``arguments``) is not.

    Attributes:
        tool_call_id: The model's call id.
        name: Tool name.
        arguments: Arguments the body ran with: validated against the tool's schema
            (``"3"`` for an ``int`` parameter is ``3``; defaults filled in), in JSON form.
        result: Rendered result the model saw.
        error: Error text when the call failed.
        iteration: Loop iteration the call belongs to.
        duration_ms: Wall-clock time of the body (0 when cached).
        cached: Answered from the idempotency ledger without running the body.
        in_doubt: A previous attempt recorded intent but no result; the body was not re-run.
        run_id: The run the call belongs to.
        traceback: The formatted traceback when the tool's body raised.
    """

    model_config = ConfigDict(defer_build=True)

    tool_call_id: str
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    result: str = ""
    error: str | None = None
    iteration: int = 0
    duration_ms: float = 0.0
    cached: bool = False
    in_doubt: bool = False
    run_id: str | None = None
    traceback: str | None = None

    def __setattr__(self, name: str, value: Any) -> None:
        # an execution edited in place after a save must reach the next delta checkpoint
        super().__setattr__(name, value)
        note_edit(self)

    @property
    def tool_name(self) -> str:
        """Alias of :attr:`name` (the original locus's field)."""
        return self.name

    @property
    def idempotent_cache_hit(self) -> bool:
        """Alias of :attr:`cached` (the original locus's field)."""
        return self.cached


class IdempotencyRecord(BaseModel):
    """Ledger entry of an idempotent tool call.

    The record is written with ``status="pending"`` *before* the body runs
    (intent) and completed with the result after. A resumed run that finds a
    pending record does not fire the body again: the call is in doubt.

    Attributes:
        key: ``name:sha256(canonical-json(args))``; also the downstream idempotency key.
        tool_name: Tool name.
        arguments_json: Canonical JSON of the validated arguments.
        status: ``pending`` (intent recorded) or ``done``.
        content: Rendered result, once done.
        error: Error text if the body raised (errors are recorded too: no re-fire).
        value: JSON-compatible return value when it has one.
        run_id: Run that recorded it (for run-scoped tools).
        created_at: Unix time the intent was recorded.
        expires_at: Unix time after which the record no longer dedupes, if any.
    """

    model_config = ConfigDict(defer_build=True)

    key: str
    tool_name: str
    arguments_json: str
    status: Literal["pending", "done"] = "pending"
    content: str = ""
    error: str | None = None
    value: Any = None
    run_id: str | None = None
    created_at: float = Field(default_factory=time.time)
    expires_at: float | None = None

    def expired(self, now: float | None = None) -> bool:
        """Whether the record has outlived its expiry."""
        return self.expires_at is not None and (now or time.time()) >= self.expires_at


class AgentState(BaseModel):
    """State of an agent run; what checkpointers persist.

    Attributes:
        run_id: Id of the run that last wrote the state.
        thread_id: Conversation thread, when the run belongs to one.
        messages: Full conversation, system prompt first.
        tool_executions: Every tool call of the thread, in order.
        iteration: Completed loop iterations of the current run.
        confidence: Latest self-assessed confidence (Reflexion), 0..1.
        token_usage: Tokens used by the current run.
        idempotency: The idempotency ledger (intent, then result), by key.
        status: Where the run stands.
        stop_reason: Which termination branch fired, once terminated.
        grounding_score: Latest grounding score, 0..1.
        structured_output: Validated ``output_schema`` instance, dumped to JSON form.
        started_at: Unix time the current run started (for ``TimeLimit``).
        metadata: Free-form annotations (graph position, user data...).
    """

    model_config = ConfigDict(defer_build=True)

    run_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    thread_id: str | None = None
    messages: list[Message] = Field(default_factory=list)
    tool_executions: list[ToolExecution] = Field(default_factory=list)
    iteration: int = 0
    confidence: float | None = None
    token_usage: TokenUsage = Field(default_factory=TokenUsage)
    idempotency: dict[str, IdempotencyRecord] = Field(default_factory=dict)
    status: RunStatus = "running"
    stop_reason: str | None = None
    grounding_score: float | None = None
    structured_output: Any = None
    started_at: float = Field(default_factory=time.time)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def last_message(self) -> Message | None:
        """The newest message, if any."""
        return self.messages[-1] if self.messages else None
