"""Hook points, their event payloads and the decisions a hook may return."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from locus.core.messages import Message, ToolCall, ToolResult
    from locus.core.state import AgentState
    from locus.models.response import ModelResponse

__all__ = [
    "HOOK_POINTS",
    "AfterInvocationEvent",
    "AfterModelCallEvent",
    "AfterToolCallEvent",
    "BeforeInvocationEvent",
    "BeforeModelCallEvent",
    "BeforeToolCallEvent",
    "HookEvent",
    "HookPriority",
    "HookProvider",
    "IterationEndEvent",
    "IterationStartEvent",
    "ModelCall",
    "ModelCallDecision",
    "ToolCallDecision",
]

ModelCall = Callable[[], Awaitable["ModelResponse"]]


class HookPriority(IntEnum):
    """Where a hook runs among an agent's hooks: lower values run first.

    ``before_*`` points and ``around_model_call`` (outermost first) follow
    ascending priority; ``after_invocation`` runs in reverse, like exits.
    Hooks of equal priority keep their registration order. Guardrails and
    steering default to ``HIGH`` so they see a call before telemetry and
    logging (``LOW``) record it.
    """

    HIGHEST = 0
    HIGH = 50
    NORMAL = 100
    LOW = 150
    LOWEST = 300


@dataclass(frozen=True)
class ToolCallDecision:
    """What a ``before_tool_call`` hook decides; return ``None`` to proceed unchanged.

    Attributes:
        arguments: Replacement arguments (validated like the model's), or ``None``.
        cancel: Do not run the call; the model gets an error message instead.
        reason: Why it was cancelled (shown to the model and on the event bus).
        result: Text the model sees instead of the default cancellation message.
    """

    arguments: dict[str, Any] | None = None
    cancel: bool = False
    reason: str = ""
    result: str | None = None

    @classmethod
    def proceed(cls) -> ToolCallDecision:
        """Run the call as requested."""
        return cls()

    @classmethod
    def replace(cls, arguments: dict[str, Any]) -> ToolCallDecision:
        """Run the call with ``arguments`` instead."""
        return cls(arguments=dict(arguments))

    @classmethod
    def block(cls, reason: str, *, result: str | None = None) -> ToolCallDecision:
        """Cancel the call; the model is told ``reason`` (or ``result``)."""
        return cls(cancel=True, reason=reason, result=result)


@dataclass(frozen=True)
class ModelCallDecision:
    """What a ``before_model_call`` hook decides; return ``None`` to proceed unchanged.

    Attributes:
        messages: Replacement messages to send (e.g. redacted), or ``None``.
        response: A response to use *instead of* calling the model (a
            guardrail's refusal, a cache hit); the call is skipped.
        reason: Why the call was replaced (on the event bus).
    """

    messages: list[Message] | None = None
    response: ModelResponse | None = None
    reason: str = ""


@dataclass
class HookEvent:
    """Base of the events passed to hook points: the agent and its run's state."""

    agent: Any
    state: AgentState

    @property
    def agent_id(self) -> str | None:
        """The agent's id (the original locus's field)."""
        return getattr(self.agent, "id", None)


@dataclass
class BeforeInvocationEvent(HookEvent):
    """A run is about to start."""

    prompt: str


@dataclass
class AfterInvocationEvent(HookEvent):
    """A run finished (``error`` is set when it failed)."""

    result: Any = None
    error: BaseException | None = None

    @property
    def success(self) -> bool:
        """The run completed: no error, and it did not pause for input."""
        return self.error is None and bool(getattr(self.result, "success", True))

    @property
    def iterations(self) -> int:
        """Loop iterations the run made."""
        return self.state.iteration

    @property
    def confidence(self) -> float | None:
        """The latest Reflexion confidence (``None`` without Reflexion)."""
        return self.state.confidence

    @property
    def duration_ms(self) -> float:
        """Wall-clock time of the run, from its start to now."""
        return (time.time() - self.state.started_at) * 1000.0


@dataclass
class BeforeModelCallEvent(HookEvent):
    """A model call is about to be sent."""

    messages: list[Message]
    tools: list[dict[str, Any]] | None
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class AfterModelCallEvent(HookEvent):
    """A model call returned (``messages``: what was sent, after ``before_model_call`` hooks)."""

    response: ModelResponse
    messages: list[Message] = field(default_factory=list)


@dataclass
class IterationStartEvent(HookEvent):
    """A loop iteration (a model turn and its tool calls) is about to start."""

    iteration: int


@dataclass
class IterationEndEvent(HookEvent):
    """A loop iteration ended (after Reflect and the termination check).

    Attributes:
        tool_calls_made: Tool calls the iteration's model turn asked for.
    """

    iteration: int
    tool_calls_made: int = 0

    @property
    def confidence(self) -> float | None:
        """The latest Reflexion confidence (``None`` without Reflexion)."""
        return self.state.confidence


@dataclass
class BeforeToolCallEvent(HookEvent):
    """A tool call is about to run (after the unknown-tool and JSON checks)."""

    tool_call: ToolCall
    tool: Any
    arguments: dict[str, Any]

    @property
    def tool_name(self) -> str:
        """Name of the tool (the original locus's field)."""
        return self.tool_call.name

    @property
    def tool_call_id(self) -> str:
        """The model's call id (the original locus's field)."""
        return self.tool_call.id


@dataclass
class AfterToolCallEvent(HookEvent):
    """A tool call finished (or was answered from the ledger, or failed)."""

    tool_call: ToolCall
    result: ToolResult

    @property
    def arguments(self) -> dict[str, Any]:
        """The call's arguments (the original locus's field)."""
        return self.tool_call.arguments

    @property
    def tool_name(self) -> str:
        """Name of the tool (the original locus's field)."""
        return self.tool_call.name

    @property
    def tool_call_id(self) -> str:
        """The model's call id (the original locus's field)."""
        return self.tool_call.id

    @property
    def error(self) -> str | None:
        """The error text when the call failed (the original locus's field)."""
        return self.result.error


HOOK_POINTS = (
    "before_invocation",
    "after_invocation",
    "iteration_start",
    "iteration_end",
    "before_model_call",
    "around_model_call",
    "after_model_call",
    "before_tool_call",
    "after_tool_call",
)


class HookProvider:
    """Base class of lifecycle hooks: override the points you need.

    Every method may be sync or async. Returning ``None`` means "no change".
    Logging, guardrail, steering and telemetry hooks are all HookProviders.
    """

    name: str = ""
    priority: int = HookPriority.NORMAL

    def before_invocation(self, event: BeforeInvocationEvent) -> Any:
        """Called before a run starts."""
        return None

    def after_invocation(self, event: AfterInvocationEvent) -> Any:
        """Called after a run ends, successfully or not."""
        return None

    def iteration_start(self, event: IterationStartEvent) -> Any:
        """Called before each loop iteration's model turn."""
        return None

    def iteration_end(self, event: IterationEndEvent) -> Any:
        """Called after each loop iteration (not when the run pauses or fails)."""
        return None

    def before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Called before each model call; may return a :class:`ModelCallDecision`."""
        return None

    async def around_model_call(
        self, call: ModelCall, event: BeforeModelCallEvent
    ) -> ModelResponse:
        """Wrap the model call (retry, failover, timing); must await ``call()`` or raise."""
        return await call()

    def after_model_call(self, event: AfterModelCallEvent) -> Any:
        """Called after each model call; may return a replacement ``ModelResponse``."""
        return None

    def before_tool_call(self, event: BeforeToolCallEvent) -> Any:
        """Called before each tool call; may return a :class:`ToolCallDecision`."""
        return None

    def after_tool_call(self, event: AfterToolCallEvent) -> Any:
        """Called after each tool call; may return a replacement ``ToolResult``."""
        return None
