"""The data of a handoff: reasons, the context the receiver gets, contracts, results, errors."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from locus.core.errors import LocusError, ValidationError
from locus.multiagent._pattern import new_id

__all__ = [
    "HandoffAgent",
    "HandoffBudget",
    "HandoffBudgetExceededError",
    "HandoffChainTooLongError",
    "HandoffContext",
    "HandoffContract",
    "HandoffError",
    "HandoffLoopError",
    "HandoffOutputError",
    "HandoffReason",
    "HandoffResult",
]


class HandoffReason(StrEnum):
    """Why an agent hands the conversation to another."""

    SPECIALIZATION = "specialization"
    ESCALATION = "escalation"
    DELEGATION = "delegation"
    COMPLETION = "completion"
    FAILURE = "failure"


class HandoffError(LocusError):
    """A handoff could not be made or its receiver broke its contract."""

    kind = "handoff"


class HandoffLoopError(HandoffError):
    """The same agent-to-agent handoff was requested twice in one chain."""

    kind = "handoff_loop"


class HandoffChainTooLongError(HandoffError):
    """A chain needed more handoffs than ``max_handoff_chain`` allows."""

    kind = "handoff_chain_too_long"


class HandoffBudgetExceededError(HandoffError):
    """The receiver's run was stopped by its contract's budget before it answered."""

    kind = "handoff_budget_exceeded"


class HandoffOutputError(HandoffError):
    """The receiver's answer did not match the contract's output type, even after re-asking."""

    kind = "handoff_output_invalid"


class HandoffBudget(BaseModel):
    """Limits on a receiver's run; the first one reached stops it.

    Attributes:
        tokens: Total tokens (prompt + completion) of the receiver's run.
        iterations: Loop iterations (model turns).
        seconds: Wall time: checked between turns, and a turn still running
            when it is up is cancelled.
    """

    tokens: int | None = Field(default=None, ge=1)
    iterations: int | None = Field(default=None, ge=1)
    seconds: float | None = Field(default=None, gt=0)

    def termination(self) -> Any:
        """The budget as a termination condition (``None`` when unlimited)."""
        from locus.core.termination import TimeLimit, TokenLimit

        condition: Any = None
        if self.tokens is not None:
            condition = TokenLimit(self.tokens)
        if self.seconds is not None:
            limit = TimeLimit(self.seconds)
            condition = limit if condition is None else condition | limit
        return condition


class HandoffContract(BaseModel):
    """What the receiver of a handoff must return, and within which budget.

    Attributes:
        output_type: A pydantic model the receiver's answer must validate
            against; an invalid answer is sent back ``retries`` times, then
            :class:`HandoffOutputError` is raised.
        budget: Limits on the receiver's run; a run stopped by one before it
            answered raises :class:`HandoffBudgetExceededError`.
        retries: Times an invalid answer is sent back.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    output_type: type[BaseModel] | None = None
    budget: HandoffBudget = Field(default_factory=HandoffBudget)
    retries: int = Field(default=1, ge=0)

    @field_validator("output_type", mode="before")
    @classmethod
    def _model_type(cls, value: Any) -> Any:
        if value is not None and not (isinstance(value, type) and issubclass(value, BaseModel)):
            raise ValidationError(
                f"output_type must be a pydantic BaseModel subclass, got {value!r}"
            )
        return value


class HandoffContext(BaseModel):
    """Everything the receiving agent gets.

    Attributes:
        handoff_id: Id of this handoff.
        source_agent_id: Who hands off.
        target_agent_id: Who receives.
        reason: Why.
        original_task: The user's task.
        conversation_summary: The source's summary of the conversation so far.
        key_messages: Messages of the source's run worth reading (``role: text``).
        state_snapshot: Facts the source passes on (free-form, JSON).
        findings: What the source found out.
        progress_summary: What is done and what is left.
        confidence: The source's confidence in its findings (0..1).
        instructions: What the receiver should do.
        handoff_chain: Agent ids the task went through, receiver last.
        created_at: When.
    """

    handoff_id: str = Field(default_factory=lambda: new_id("handoff"))
    source_agent_id: str
    target_agent_id: str
    reason: HandoffReason = HandoffReason.DELEGATION
    original_task: str = ""
    conversation_summary: str = ""
    key_messages: list[str] = Field(default_factory=list)
    state_snapshot: dict[str, Any] = Field(default_factory=dict)
    findings: list[str] = Field(default_factory=list)
    progress_summary: str = ""
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    instructions: str = ""
    handoff_chain: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def to_prompt(self) -> str:
        """The context as the receiver's prompt."""
        lines = [
            f"You received this task from {self.source_agent_id} ({self.reason.value}).",
            f"Task: {self.original_task}",
        ]
        if self.conversation_summary:
            lines.append(f"Summary so far: {self.conversation_summary}")
        if self.findings:
            lines.append("Findings:\n" + "\n".join(f"- {f}" for f in self.findings))
        if self.progress_summary:
            lines.append(f"Progress: {self.progress_summary}")
        if self.key_messages:
            lines.append("Key messages:\n" + "\n".join(self.key_messages))
        if self.state_snapshot:
            lines.append(f"State: {self.state_snapshot}")
        lines.append(f"Confidence of {self.source_agent_id}: {self.confidence:.2f}")
        if self.instructions:
            lines.append(f"Instructions: {self.instructions}")
        if len(self.handoff_chain) > 1:
            lines.append("Chain: " + " -> ".join(self.handoff_chain))
        return "\n\n".join(lines)


class HandoffResult(BaseModel):
    """How a handoff (or a whole chain, for the last agent) ended.

    Attributes:
        handoff_id: Id of the handoff that led here (``""`` when the first
            agent answered itself).
        success: The receiver answered.
        source_agent_id: Who handed off.
        target_agent_id: Who answered.
        output: The answer: an ``output_type`` instance under a contract, else text.
        final_confidence: Confidence the answer states, else the context's.
        duration_ms: Wall time.
        error: Why it failed, else ``None``.
        returned_context: The context the receiver got.
    """

    handoff_id: str = ""
    success: bool = True
    source_agent_id: str = ""
    target_agent_id: str = ""
    output: Any = None
    final_confidence: float = 0.0
    duration_ms: float = 0.0
    error: str | None = None
    returned_context: HandoffContext | None = None

    @property
    def text(self) -> str:
        """The answer as text (JSON for a typed output)."""
        if isinstance(self.output, BaseModel):
            return self.output.model_dump_json()
        return "" if self.output is None else str(self.output)


class HandoffAgent(BaseModel):
    """An agent that can take over a conversation and pass it on.

    Attributes:
        id: Stable id (default: ``name``).
        name: Name.
        description: What it handles (shown to agents that may hand off to it).
        system_prompt: Its instructions.
        tools: Its own tools (transfer tools are added for allowed targets).
        model: Its model (default: the manager's).
        can_escalate_to: Ids it may escalate to (reason ``ESCALATION``).
        can_delegate_to: Ids it may delegate to (reason ``DELEGATION``).
        contract: What it must return, and its budget, when it receives a handoff.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = ""
    name: str
    description: str = ""
    system_prompt: str = ""
    tools: list[Any] = Field(default_factory=list)
    model: Any = None
    can_escalate_to: list[str] = Field(default_factory=list)
    can_delegate_to: list[str] = Field(default_factory=list)
    contract: HandoffContract | None = None

    def model_post_init(self, __context: Any) -> None:
        if not self.id:
            self.id = self.name

    def targets(self) -> dict[str, HandoffReason]:
        """Agent ids it may hand off to, with the reason each handoff carries."""
        out = {t: HandoffReason.DELEGATION for t in self.can_delegate_to}
        out.update({t: HandoffReason.ESCALATION for t in self.can_escalate_to})
        return out

    def receive_handoff(self, context: HandoffContext) -> str:
        """The prompt this agent starts from when it receives ``context``."""
        return context.to_prompt()

    def with_model(self, model: Any) -> HandoffAgent:
        """A copy using ``model``."""
        return self.model_copy(update={"model": model})
