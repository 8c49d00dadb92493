"""Dispatch of hook points over the registered providers, in order."""

from __future__ import annotations

import inspect
from bisect import insort
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from locus.core.errors import ValidationError
from locus.hooks._base import (
    HOOK_POINTS,
    AfterInvocationEvent,
    AfterModelCallEvent,
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
    IterationEndEvent,
    IterationStartEvent,
    ModelCall,
    ModelCallDecision,
    ToolCallDecision,
)

if TYPE_CHECKING:
    from locus.core.messages import Message, ToolCall, ToolResult
    from locus.core.state import AgentState
    from locus.models.response import ModelResponse

__all__ = ["HookRegistry"]


async def _maybe_await(value: Any) -> Any:
    if inspect.isawaitable(value):
        return await value
    return value


def _overrides(hook: Any, point: str) -> bool:
    method = getattr(type(hook), point, None)
    if method is None:
        return False
    if isinstance(hook, HookProvider):
        return method is not getattr(HookProvider, point)
    return callable(method)


def _priority(hook: Any) -> int:
    return int(getattr(hook, "priority", HookPriority.NORMAL))


def _hook_name(hook: Any) -> str:
    return getattr(hook, "name", "") or type(hook).__name__


class HookRegistry:
    """The hooks of an agent, called by ascending ``priority``, then registration order.

    Accepts :class:`HookProvider` subclasses and duck-typed objects defining
    any of the hook point methods.

    Args:
        hooks: Initial providers.
    """

    def __init__(self, hooks: Iterable[Any] = ()) -> None:
        self._hooks: list[Any] = []
        self._by_point: dict[str, list[Any]] = {point: [] for point in HOOK_POINTS}
        for hook in hooks:
            self.add(hook)

    def add(self, hook: Any) -> None:
        """Register a provider.

        Raises:
            locus.core.errors.ValidationError: ``hook`` implements no hook point.
        """
        points = [point for point in HOOK_POINTS if _overrides(hook, point)]
        if not points and not isinstance(hook, HookProvider):
            raise ValidationError(
                f"{hook!r} is not a hook: subclass locus.hooks.HookProvider and override "
                f"one of {', '.join(HOOK_POINTS)}"
            )
        insort(self._hooks, hook, key=_priority)
        for point in points:
            insort(self._by_point[point], hook, key=_priority)

    @property
    def hooks(self) -> list[Any]:
        """Registered providers, in call order (ascending priority)."""
        return list(self._hooks)

    def __len__(self) -> int:
        return len(self._hooks)

    def has(self, point: str) -> bool:
        """Whether any provider implements ``point``."""
        return bool(self._by_point.get(point))

    async def before_invocation(self, *, agent: Any, state: AgentState, prompt: str) -> None:
        """Run ``before_invocation`` hooks."""
        event = BeforeInvocationEvent(agent=agent, state=state, prompt=prompt)
        for hook in self._by_point["before_invocation"]:
            await _maybe_await(hook.before_invocation(event))

    async def after_invocation(
        self, *, agent: Any, state: AgentState, result: Any, error: BaseException | None
    ) -> None:
        """Run ``after_invocation`` hooks (in reverse order, like exits)."""
        event = AfterInvocationEvent(agent=agent, state=state, result=result, error=error)
        for hook in reversed(self._by_point["after_invocation"]):
            await _maybe_await(hook.after_invocation(event))

    async def iteration_start(self, *, agent: Any, state: AgentState) -> None:
        """Run ``iteration_start`` hooks for the iteration about to start."""
        event = IterationStartEvent(agent=agent, state=state, iteration=state.iteration + 1)
        for hook in self._by_point["iteration_start"]:
            await _maybe_await(hook.iteration_start(event))

    async def iteration_end(self, *, agent: Any, state: AgentState, tool_calls_made: int) -> None:
        """Run ``iteration_end`` hooks (in reverse order, like exits)."""
        event = IterationEndEvent(
            agent=agent, state=state, iteration=state.iteration, tool_calls_made=tool_calls_made
        )
        for hook in reversed(self._by_point["iteration_end"]):
            await _maybe_await(hook.iteration_end(event))

    async def before_model_call(self, event: BeforeModelCallEvent) -> ModelCallDecision:
        """Run ``before_model_call`` hooks; message replacements chain, the first response wins."""
        for hook in self._by_point["before_model_call"]:
            decision = await _maybe_await(hook.before_model_call(event))
            if decision is None:
                continue
            if not isinstance(decision, ModelCallDecision):
                raise ValidationError(
                    f"hook {_hook_name(hook)} returned {decision!r} from before_model_call; "
                    "return None or a locus.hooks.ModelCallDecision"
                )
            if decision.response is not None:
                _publish_cancel(_hook_name(hook), "before_model_call", decision.reason)
                return decision
            if decision.messages is not None:
                event.messages = list(decision.messages)
        return ModelCallDecision(messages=event.messages)

    async def call_model(self, call: ModelCall, event: BeforeModelCallEvent) -> ModelResponse:
        """Await ``call`` through the ``around_model_call`` wrappers (first added outermost)."""
        wrapped = call
        for hook in reversed(self._by_point["around_model_call"]):
            wrapped = _wrap(hook, wrapped, event)
        return await wrapped()

    async def after_model_call(
        self,
        *,
        agent: Any,
        state: AgentState,
        response: ModelResponse,
        messages: list[Message] | None = None,
    ) -> ModelResponse:
        """Run ``after_model_call`` hooks; each may replace the response."""
        from locus.models.response import ModelResponse

        for hook in self._by_point["after_model_call"]:
            event = AfterModelCallEvent(
                agent=agent, state=state, response=response, messages=list(messages or ())
            )
            replaced = await _maybe_await(hook.after_model_call(event))
            if isinstance(replaced, ModelResponse):
                response = replaced
        return response

    async def before_tool_call(
        self,
        *,
        agent: Any,
        state: AgentState,
        tool_call: ToolCall,
        tool: Any,
        arguments: dict[str, Any],
    ) -> ToolCallDecision:
        """Run ``before_tool_call`` hooks; argument replacements chain, the first cancel wins."""
        event = BeforeToolCallEvent(
            agent=agent, state=state, tool_call=tool_call, tool=tool, arguments=dict(arguments)
        )
        replaced = False
        for hook in self._by_point["before_tool_call"]:
            decision = await _maybe_await(hook.before_tool_call(event))
            if decision is None:
                continue
            if not isinstance(decision, ToolCallDecision):
                raise ValidationError(
                    f"hook {_hook_name(hook)} returned {decision!r} from before_tool_call; "
                    "return None or a locus.hooks.ToolCallDecision"
                )
            if decision.cancel:
                _publish_cancel(_hook_name(hook), "before_tool_call", decision.reason)
                from locus.observability import emit

                emit(
                    "agent.tool.cancelled",
                    tool_name=tool_call.name,
                    tool_call_id=tool_call.id,
                    reason=decision.reason,
                )
                return decision
            if decision.arguments is not None:
                event.arguments = dict(decision.arguments)
                replaced = True
        return ToolCallDecision(arguments=event.arguments if replaced else None)

    async def after_tool_call(
        self, *, agent: Any, state: AgentState, tool_call: ToolCall, result: ToolResult
    ) -> ToolResult:
        """Run ``after_tool_call`` hooks; each may replace the result."""
        from locus.core.messages import ToolResult

        for hook in self._by_point["after_tool_call"]:
            event = AfterToolCallEvent(agent=agent, state=state, tool_call=tool_call, result=result)
            replaced = await _maybe_await(hook.after_tool_call(event))
            if isinstance(replaced, ToolResult):
                result = replaced
        return result


def _wrap(hook: Any, inner: ModelCall, event: BeforeModelCallEvent) -> ModelCall:
    async def call() -> ModelResponse:
        result: ModelResponse = await hook.around_model_call(inner, event)
        return result

    return call


def _publish_cancel(hook: str, point: str, reason: str) -> None:
    from locus.observability import emit

    emit("agent.hook.cancelled", hook=hook, point=point, reason=reason)
