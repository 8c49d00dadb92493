"""Run one turn's tool calls: concurrently, validated, timed out, deduped.

Every failure (unknown tool, undecodable or invalid arguments, an exception,
a timeout, a hook cancelling the call) becomes a tool error message for the
model and a :class:`~locus.core.events.ToolCompleteEvent` with ``error``;
the executor itself never raises for them.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
import traceback
from collections.abc import Awaitable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from locus.core.durable import StepInfo, current_step_runner
from locus.core.errors import ToolValidationError
from locus.core.events import ToolCompleteEvent, ToolStartEvent
from locus.core.interrupt import (
    InterruptException,
    enter_interrupt_scope,
    exit_interrupt_scope,
)
from locus.core.limits import DEFAULT_LIMITS, Limits, check_arguments, explain_raw_arguments
from locus.core.messages import ToolCall, ToolResult
from locus.core.state import AgentState
from locus.tools._bounds import bounded_result, describe, failure, within
from locus.tools._idempotent_call import run_idempotent
from locus.tools._schema import canonical_json
from locus.tools._turn import Emit, SaveLedger, ToolOutcome, Turn
from locus.tools.context import ToolContext
from locus.tools.decorator import Tool

if TYPE_CHECKING:
    from locus.core.protocols import ToolProtocol
    from locus.hooks import HookRegistry
    from locus.memory.store import StoreContext

__all__ = ["ToolExecutor", "ToolOutcome"]

_LOG = logging.getLogger("locus.tools")


class ToolExecutor:
    """Executes tool calls for the Execute node.

    Args:
        tools: Tools by name.
        default_timeout: Seconds per call when the tool sets none.
        hooks: Hook registry consulted before/after each call.
        limits: Bounds on argument nesting/size and result size
            (:data:`~locus.core.limits.DEFAULT_LIMITS` when ``None``).
    """

    def __init__(
        self,
        tools: Mapping[str, ToolProtocol],
        *,
        default_timeout: float | None = None,
        hooks: HookRegistry | None = None,
        store: StoreContext | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.tools = dict(tools)
        self.default_timeout = default_timeout
        self.hooks = hooks
        self.store = store
        self.limits = limits or DEFAULT_LIMITS

    async def execute(
        self,
        calls: Sequence[ToolCall],
        *,
        state: AgentState,
        iteration: int,
        emit: Emit | None,
        save: SaveLedger | None = None,
        agent_name: str | None = None,
        agent: Any = None,
        resumes: Mapping[str, list[Any]] | None = None,
        checked: Collection[str] = (),
    ) -> list[ToolOutcome]:
        """Run ``calls`` concurrently; outcomes come back in call order.

        Args:
            calls: The tool calls of one assistant turn.
            state: Run state (its idempotency ledger is read and written).
            iteration: Loop iteration of the turn.
            emit: Receives ToolStart/ToolComplete events as they happen
                (``None``: nobody listens, so they are not built).
            save: Awaited after the ledger changes (intent, result) to checkpoint it.
            agent_name: For :class:`ToolContext`.
            agent: The calling agent, passed to hooks.
            resumes: Answers to earlier ``interrupt()`` calls, by tool call id.
            checked: Ids of calls whose arguments the caller already checked
                against this executor's limits (the Think node screens every
                model turn); a hook replacing the arguments has them checked again.
        """
        turn = Turn(
            state=state,
            run_id=state.run_id,
            thread_id=state.thread_id,
            iteration=iteration,
            agent_name=agent_name,
            emit=emit,
            save=save,
            agent=agent,
            resumes=resumes or {},
            checked=checked,
        )
        if len(calls) == 1:
            return [await self._run_one(calls[0], turn)]
        return list(await asyncio.gather(*(self._run_one(call, turn) for call in calls)))

    async def _run_one(self, call: ToolCall, turn: Turn) -> ToolOutcome:
        emit = turn.emit
        span_id = ""
        if emit is not None:
            span_id = f"{random.getrandbits(64):016x}"  # an id, not a secret: no urandom call
            emit(
                ToolStartEvent(
                    tool_name=call.name,
                    tool_call_id=call.id,
                    arguments=call.arguments,
                    span_id=span_id,
                    iteration=turn.iteration,
                )
            )
        try:
            outcome = await self._outcome(call, turn)
        except InterruptException as exc:
            result = ToolResult(tool_call_id=call.id, name=call.name, content="")
            return ToolOutcome(
                call=call, result=result, arguments=call.arguments, interrupt=exc.value
            )
        if self.hooks is not None and self.hooks.has("after_tool_call"):
            outcome.result = await self.hooks.after_tool_call(
                agent=turn.agent, state=turn.state, tool_call=call, result=outcome.result
            )
        if emit is not None:
            result = outcome.result
            emit(
                ToolCompleteEvent(
                    tool_name=call.name,
                    tool_call_id=call.id,
                    result=result.content,
                    error=result.error,
                    duration_ms=result.duration_ms,
                    cached=result.cached,
                    in_doubt=result.in_doubt,
                    span_id=span_id,
                    iteration=turn.iteration,
                )
            )
        return outcome

    def _error(self, call: ToolCall, message: str, arguments: dict[str, Any]) -> ToolOutcome:
        result = ToolResult(
            tool_call_id=call.id, name=call.name, content=f"Error: {message}", error=message
        )
        return ToolOutcome(call=call, result=result, arguments=arguments)

    async def _outcome(self, call: ToolCall, turn: Turn) -> ToolOutcome:
        target = self.tools.get(call.name)
        if target is None:
            available = ", ".join(sorted(self.tools)) or "(none)"
            return self._error(
                call, f"Unknown tool {call.name!r}. Available tools: {available}.", call.arguments
            )
        if call.raw_arguments is not None:
            problem = explain_raw_arguments(call.raw_arguments, self.limits)
            return self._error(
                call,
                f"The arguments of tool {call.name!r} are {problem}: "
                f"{call.raw_arguments[:200]!r}. Call it again with a JSON object"
                f"{within(self.limits)}.",
                {},
            )
        arguments = dict(call.arguments)
        checked = call.id in turn.checked  # screened by the caller; a hook may replace them
        if self.hooks is not None and self.hooks.has("before_tool_call"):
            # a hook may pause the call for a human: interrupt() in the call's scope
            scope = turn.scope(call)
            token = enter_interrupt_scope(scope)
            try:
                decision = await self.hooks.before_tool_call(
                    agent=turn.agent,
                    state=turn.state,
                    tool_call=call,
                    tool=target,
                    arguments=arguments,
                )
            finally:
                exit_interrupt_scope(token)
            if scope.calls:
                turn.asked[call.id] = scope.calls
            if decision.cancel:
                reason = decision.reason or "cancelled by a hook"
                outcome = self._error(call, f"Tool call cancelled: {reason}", arguments)
                if decision.result is not None:
                    outcome.result.content = decision.result
                return outcome
            if decision.arguments is not None:
                arguments = dict(decision.arguments)
                checked = False
        try:
            too_big = None if checked else check_arguments(arguments, self.limits)
            if too_big:
                raise ToolValidationError(
                    f"The arguments of tool {call.name!r} are {too_big}; call it again with "
                    f"smaller arguments{within(self.limits)}."
                )
            if isinstance(target, Tool):
                # what ran: validated, in JSON form
                kwargs, arguments = target.coerce_arguments(arguments)
            else:
                kwargs = arguments
        except (ToolValidationError, ValueError, TypeError, RecursionError) as exc:
            if not isinstance(exc, ToolValidationError):
                exc = ToolValidationError(
                    f"The arguments of tool {call.name!r} could not be validated: "
                    f"{type(exc).__name__}: {exc}",
                    cause=exc,
                )
            from locus.observability import emit as bus_emit

            bus_emit(
                "agent.tool.validation_failed",
                tool_name=call.name,
                tool_call_id=call.id,
                error=exc.message,
            )
            return self._error(call, exc.message, arguments)
        if isinstance(target, Tool) and target.idempotent:
            canonical = canonical_json(arguments)  # the ledger key's input
            return await run_idempotent(
                call, target, kwargs, canonical, arguments, turn, self._invoke
            )
        result = await self._invoke(call, target, kwargs, turn, None)
        return ToolOutcome(call=call, result=result, arguments=arguments)

    def _store_for(self, thread_id: str | None) -> StoreContext | None:
        store = self.store
        if store is None or thread_id is None or store.session_id is not None:
            return store
        return store.for_session(thread_id)

    async def _invoke(
        self,
        call: ToolCall,
        target: ToolProtocol,
        kwargs: dict[str, Any],
        turn: Turn,
        key: str | None,
    ) -> ToolResult:
        """The tool body as one step (see :mod:`locus.core.durable`)."""
        runner = current_step_runner()
        if runner is None:  # in-process: no step record to describe
            return await self._invoke_body(call, target, kwargs, turn, key)
        info = StepInfo(
            "tool",
            call.name,
            tool_call_id=call.id,
            idempotency_key=key,
            in_doubt=getattr(target, "in_doubt", None) if key is not None else None,
        )
        return await runner.run_step(
            info, lambda: self._invoke_body(call, target, kwargs, turn, key)
        )

    async def _invoke_body(
        self,
        call: ToolCall,
        target: ToolProtocol,
        kwargs: dict[str, Any],
        turn: Turn,
        key: str | None,
    ) -> ToolResult:
        # an inline body blocks the loop: no timer could fire while it runs
        inline = getattr(target, "inline", False) is True
        timeout = None if inline else getattr(target, "timeout", None) or self.default_timeout
        started = time.perf_counter()
        token = enter_interrupt_scope(turn.scope(call))
        try:
            if isinstance(target, Tool):
                # built only for a tool that can use it
                context = (
                    None
                    if not target.wants_context
                    else ToolContext(
                        run_id=turn.run_id,
                        thread_id=turn.thread_id,
                        tool_call_id=call.id,
                        tool_name=call.name,
                        idempotency_key=key,
                        iteration=turn.iteration,
                        agent_name=turn.agent_name,
                        store=self._store_for(turn.thread_id),
                    )
                )
                pending: Awaitable[Any] = target.call_validated(kwargs, context)
            else:
                pending = target.execute(**kwargs)
            value = await asyncio.wait_for(pending, timeout) if timeout else await pending
        except InterruptException:
            raise
        except asyncio.CancelledError as exc:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # the run itself is being cancelled
            return failure(call, started, f"Tool {call.name!r} raised CancelledError: {exc}")
        except TimeoutError:
            elapsed = (time.perf_counter() - started) * 1000
            from locus.observability import emit as bus_emit

            bus_emit(
                "agent.tool.timeout", tool_name=call.name, tool_call_id=call.id, timeout_s=timeout
            )
            message = f"Tool {call.name!r} timed out after {timeout}s."
            return ToolResult(
                tool_call_id=call.id,
                name=call.name,
                content=f"Error: {message}",
                error=message,
                duration_ms=elapsed,
                in_doubt=key is not None,
            )
        except Exception as exc:
            message = f"Tool {call.name!r} raised {describe(exc)}"
            trace = "".join(traceback.format_exception(exc))
            _LOG.debug("%s\n%s", message, trace)
            result = failure(call, started, message)
            result.traceback = trace
            return result
        finally:
            exit_interrupt_scope(token)
        return bounded_result(call, value, started, self.limits)
