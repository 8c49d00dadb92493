"""Typed, frozen events of the agent loop.

``async for event in agent.run(...)`` yields these. Each has a literal
``event_type`` (its canonical dotted name on the EventBus), so consumers can
``match`` on the class or on the string::

    match event:
        case ToolStartEvent(tool_name=name):
            print("calling", name)
        case TerminateEvent(reason=reason):
            print("stopped:", reason)

:meth:`LocusEvent.bus_data` gives the ``data`` dict the same event carries on
the EventBus (:mod:`locus.observability`), with the ``*_preview`` keys the
event catalogue documents.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from locus.core.messages import Message, ToolCall

__all__ = [
    "EVENT_CLASSES",
    "ErrorEvent",
    "GroundingEvent",
    "HandoffEvent",
    "InterruptEvent",
    "LocusEvent",
    "ModelChunkEvent",
    "ModelCompleteEvent",
    "ReflectEvent",
    "RunStartEvent",
    "TerminateEvent",
    "ThinkEvent",
    "TokensUsedEvent",
    "ToolCallDelta",
    "ToolCompleteEvent",
    "ToolStartEvent",
    "preview",
]

PREVIEW_CHARS = 200


def preview(text: str | None, limit: int = PREVIEW_CHARS) -> str:
    """Shorten ``text`` to at most ``limit`` characters for event previews."""
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LocusEvent(BaseModel):
    """Base of every typed event: frozen, timestamped, with a dotted ``event_type``."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    event_type: str
    timestamp: float = Field(default_factory=time.time)

    _preview_fields: ClassVar[dict[str, str]] = {}

    def bus_data(self) -> dict[str, Any]:
        """The ``data`` dict of this event on the EventBus.

        Every field but ``event_type``/``timestamp``, JSON-compatible, plus a
        ``<name>_preview`` string for each long text field.
        """
        data = self.model_dump(mode="json", exclude={"event_type", "timestamp"})
        for source, target in self._preview_fields.items():
            data[target] = preview(getattr(self, source))
        return data


class RunStartEvent(LocusEvent):
    """A run began (``agent.started``)."""

    event_type: Literal["agent.started"] = "agent.started"
    run_id: str
    thread_id: str | None = None
    agent_name: str | None = None
    prompt: str = ""

    _preview_fields = {"prompt": "prompt_preview"}


class ThinkEvent(LocusEvent):
    """The Think node finished a model turn (``agent.think``).

    Attributes:
        iteration: 1-based loop iteration.
        reasoning: The model's reasoning text (``None`` when it exposes none).
        content: Assistant text of the turn.
        tool_calls: Calls the model asked for.
    """

    event_type: Literal["agent.think"] = "agent.think"
    iteration: int
    reasoning: str | None = None
    content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)

    _preview_fields = {"reasoning": "reasoning_preview", "content": "content_preview"}


class ToolStartEvent(LocusEvent):
    """A tool call is about to run (``agent.tool.started``)."""

    event_type: Literal["agent.tool.started"] = "agent.tool.started"
    tool_name: str
    tool_call_id: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    span_id: str = ""
    iteration: int = 0


class ToolCompleteEvent(LocusEvent):
    """A tool call finished (``agent.tool.completed``).

    Attributes:
        result: Rendered result the model sees.
        error: Error text when the call failed (validation, exception, timeout,
            unknown tool); ``None`` on success.
        cached: Answered from the idempotency ledger; the body did not run.
        in_doubt: An earlier attempt recorded intent but no result.
    """

    event_type: Literal["agent.tool.completed"] = "agent.tool.completed"
    tool_name: str
    tool_call_id: str
    result: str = ""
    error: str | None = None
    duration_ms: float = 0.0
    cached: bool = False
    in_doubt: bool = False
    span_id: str = ""
    iteration: int = 0

    _preview_fields = {"result": "output_preview"}


class ToolCallDelta(BaseModel):
    """A streamed fragment of a tool call; fragments with one ``index`` concatenate."""

    model_config = ConfigDict(defer_build=True, frozen=True)

    index: int = 0
    id: str | None = None
    name: str | None = None
    arguments_delta: str = ""


class ModelChunkEvent(LocusEvent):
    """A streamed fragment of a model response (``agent.model.chunk``).

    The last chunk of a stream has ``done=True`` and carries ``usage`` and
    ``stop_reason`` when the provider reports them.

    Attributes:
        metadata: Entries to merge into the assembled message's
            ``Message.metadata`` — provider state the next turn needs, such as
            signed thinking blocks or encrypted reasoning items. Normally set on
            the final ``done=True`` chunk only; when several chunks carry it,
            they merge in order (later keys win). ``None`` when there is none.
    """

    event_type: Literal["agent.model.chunk"] = "agent.model.chunk"
    content: str | None = None
    reasoning: str | None = None
    tool_call_delta: ToolCallDelta | None = None
    done: bool = False
    usage: dict[str, Any] | None = None
    stop_reason: str | None = None
    metadata: dict[str, Any] | None = None


class ModelCompleteEvent(LocusEvent):
    """A model call completed (``agent.model.completed``)."""

    event_type: Literal["agent.model.completed"] = "agent.model.completed"
    message: Message
    usage: dict[str, Any] = Field(default_factory=dict)
    stop_reason: str | None = None
    duration_ms: float = 0.0
    model: str | None = None

    @property
    def content(self) -> str | None:
        """The reply's text (the original locus's field)."""
        return self.message.content

    @property
    def tool_calls(self) -> list[ToolCall]:
        """The reply's tool calls (the original locus's field)."""
        return self.message.tool_calls


class TokensUsedEvent(LocusEvent):
    """Tokens used by one model call and by the run so far (``agent.tokens.used``)."""

    event_type: Literal["agent.tokens.used"] = "agent.tokens.used"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    run_total_tokens: int = 0


class ReflectEvent(LocusEvent):
    """Reflexion self-evaluation of a turn (``agent.reflect``)."""

    event_type: Literal["agent.reflect"] = "agent.reflect"
    iteration: int
    assessment: str = ""
    confidence: float = 0.0
    should_continue: bool = True
    confidence_delta: float = 0.0
    """Change from the run's previous confidence (from 0 on the first evaluation)."""

    @property
    def new_confidence(self) -> float:
        """Alias of :attr:`confidence` (the original locus's name)."""
        return self.confidence

    _preview_fields = {"assessment": "assessment_preview"}


class GroundingEvent(LocusEvent):
    """Claims of an answer scored against tool outputs (``agent.grounding``).

    Attributes:
        score: Share of claims supported by evidence, 0..1.
        grounded_claims: Claims supported by a tool output.
        ungrounded_claims: Claims no tool output supports.
        action: ``"accept"``, ``"drop"`` (ungrounded claims removed) or
            ``"research"`` (sent back to the model).
    """

    event_type: Literal["agent.grounding"] = "agent.grounding"
    score: float
    grounded_claims: list[str] = Field(default_factory=list)
    ungrounded_claims: list[str] = Field(default_factory=list)
    action: str = "accept"

    @property
    def claims_evaluated(self) -> int:
        """Claims scored (the original locus's field)."""
        return len(self.grounded_claims) + len(self.ungrounded_claims)

    @property
    def requires_replan(self) -> bool:
        """The answer was sent back for more research (the original locus's field)."""
        return self.action in ("research", "replan")


class InterruptEvent(LocusEvent):
    """The run paused for human input (``agent.interrupt``)."""

    event_type: Literal["agent.interrupt"] = "agent.interrupt"
    interrupt_id: str
    payload: Any = None
    node_id: str | None = None

    @property
    def question(self) -> str | None:
        """The payload when it is text, else its ``"question"`` entry (the original's field)."""
        if isinstance(self.payload, str):
            return self.payload
        if isinstance(self.payload, dict) and isinstance(self.payload.get("question"), str):
            return str(self.payload["question"])
        return None

    @property
    def options(self) -> list[Any]:
        """The payload's ``"options"`` entry, if it has one (the original's field)."""
        if isinstance(self.payload, dict) and isinstance(self.payload.get("options"), list):
            return list(self.payload["options"])
        return []


class ErrorEvent(LocusEvent):
    """The run failed with a typed error (``agent.error``)."""

    event_type: Literal["agent.error"] = "agent.error"
    error_kind: str
    message: str


class TerminateEvent(LocusEvent):
    """The run stopped (``agent.terminate``); always the last event of a run.

    Attributes:
        reason: The termination branch that fired, with observed values
            (``"ToolCalled('submit_po') and ConfidenceMet(0.92)"``).
        final_message: The final answer text.
        iterations: Loop iterations run.
        total_tokens: Tokens used by the run.
        structured_output: The validated output (JSON form) when ``output_schema`` is set.
        total_tool_calls: Tool calls made by the run.
        final_confidence: Latest Reflexion confidence, else ``None``.
    """

    event_type: Literal["agent.terminate"] = "agent.terminate"
    reason: str
    final_message: str = ""
    iterations: int = 0
    total_tokens: int = 0
    structured_output: Any = None
    total_tool_calls: int = 0
    final_confidence: float | None = None

    @property
    def iterations_used(self) -> int:
        """Alias of :attr:`iterations` (the original locus's name)."""
        return self.iterations

    _preview_fields = {"final_message": "final_message_preview"}


class HandoffEvent(LocusEvent):
    """An agent took over a conversation another handed it (``multiagent.handoff.completed``).

    The :class:`~locus.multiagent.handoff.Handoff` pattern yields one per
    handoff from ``run()`` (and ``compiled().astream(stream_mode="events")``)
    and publishes it on the EventBus, when the receiving agent starts.
    ``event_type`` is the dotted catalogue name, not the original locus's
    short discriminator: match on the class
    (``case HandoffEvent(target_agent_id=to):``).

    Attributes:
        source_agent_id: The agent that handed off.
        target_agent_id: The agent that took over.
        reason: Why, a :class:`~locus.multiagent.handoff.HandoffReason` value
            (``"delegation"``, ``"escalation"``...).
        context_summary: The source's summary of the conversation so far.
        handoff_id: Id of the handoff (``HandoffContext.handoff_id``).
    """

    event_type: Literal["multiagent.handoff.completed"] = "multiagent.handoff.completed"
    source_agent_id: str
    target_agent_id: str
    reason: str
    context_summary: str = ""
    handoff_id: str = ""

    _preview_fields = {"context_summary": "context_summary_preview"}


EVENT_CLASSES: dict[str, type[LocusEvent]] = {
    cls.model_fields["event_type"].default: cls
    for cls in (
        RunStartEvent,
        ThinkEvent,
        ToolStartEvent,
        ToolCompleteEvent,
        ModelChunkEvent,
        ModelCompleteEvent,
        TokensUsedEvent,
        ReflectEvent,
        GroundingEvent,
        InterruptEvent,
        ErrorEvent,
        TerminateEvent,
        HandoffEvent,
    )
}
"""Typed event classes by their ``event_type``."""


# the original locus's hook events: the payloads of locus.hooks' hook points,
# resolved by name (locus.hooks sits above locus.core)
_HOOK_EVENTS = frozenset(
    {
        "AfterInvocationEvent",
        "AfterToolCallEvent",
        "BeforeInvocationEvent",
        "BeforeToolCallEvent",
        "HookEvent",
    }
)


def __getattr__(name: str) -> Any:
    if name in _HOOK_EVENTS:
        import importlib

        return getattr(importlib.import_module("locus.hooks._base"), name)
    raise AttributeError(f"module 'locus.core.events' has no attribute {name!r}")
