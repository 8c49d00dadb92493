"""The idempotent path of a tool call: ledger lookup, intent, result, in-doubt policy."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from locus.core.errors import ToolInDoubtError
from locus.core.interrupt import InterruptException
from locus.core.messages import ToolCall, ToolResult
from locus.tools._turn import ToolOutcome, Turn
from locus.tools.ledger import idempotency_key, lookup, record_done, record_intent

if TYPE_CHECKING:
    from locus.tools.decorator import Tool

__all__ = ["InvokeBody", "run_idempotent"]

InvokeBody = Callable[[ToolCall, Any, dict[str, Any], Turn, "str | None"], Awaitable[ToolResult]]
"""Runs a tool body: ``(call, target, kwargs, turn, idempotency_key) -> result``."""


async def run_idempotent(
    call: ToolCall,
    target: Tool,
    kwargs: dict[str, Any],
    canonical: str,
    arguments: dict[str, Any],
    turn: Turn,
    invoke: InvokeBody,
) -> ToolOutcome:
    """Run an idempotent call once: share a twin in the same turn, answer a recorded
    call from the ledger (or refuse/re-run one in doubt, per its policy), otherwise
    record intent, run ``invoke`` and record the result, saving after each record."""
    key = idempotency_key(target.name, canonical)
    running = turn.inflight.get(key)
    if running is not None:  # the same call twice in one turn: share the first one's result
        first = await asyncio.shield(running)
        result = first.model_copy(update={"tool_call_id": call.id, "cached": True})
        result.duration_ms = 0.0
        return ToolOutcome(call=call, result=result, arguments=arguments, key=key)
    status, record = lookup(turn.state, key, scope=target.idempotency_scope, run_id=turn.run_id)
    if status == "pending" and target.in_doubt == "fail":
        _publish_dedup(call, key, True)
        raise ToolInDoubtError(
            f"The call {call.name}({canonical}) is in doubt: an earlier attempt recorded its "
            f"intent (idempotency key {key}) but no result, and the tool's in_doubt policy is "
            "'fail'. Check the outcome with the downstream system (using the key), then "
            "answer the thread or use in_doubt='retry' if the system dedupes on the key.",
            tool_name=call.name,
            idempotency_key=key,
        )
    if status == "pending" and target.in_doubt == "retry":
        status, record = "miss", None  # run again below, with the same key
    if status != "miss" and record is not None:
        in_doubt = status == "pending"
        _publish_dedup(call, key, in_doubt)
        if in_doubt:
            content = (
                f"The call {call.name}({canonical}) is in doubt: an earlier attempt recorded "
                f"its intent (idempotency key {key}) but no result, so it was NOT run again "
                "to avoid a duplicate side effect. Check the outcome with the downstream "
                "system before acting on it."
            )
        else:
            content = record.content
        result = ToolResult(
            tool_call_id=call.id,
            name=call.name,
            content=content,
            error=record.error if not in_doubt else None,
            value=record.value,
            cached=not in_doubt,
            in_doubt=in_doubt,
        )
        return ToolOutcome(call=call, result=result, arguments=arguments, key=key)
    future: asyncio.Future[ToolResult] = asyncio.get_running_loop().create_future()
    turn.inflight[key] = future
    try:
        record_intent(
            turn.state,
            key,
            tool_name=target.name,
            canonical_args=canonical,
            run_id=turn.run_id,
            ttl=target.idempotency_ttl,
        )
        _publish_recorded(key, target.name, "pending")
        if turn.save is not None:
            await turn.save("intent")
        result = await invoke(call, target, kwargs, turn, key)
        if not result.in_doubt:
            record_done(
                turn.state, key, content=result.content, error=result.error, value=result.value
            )
            _publish_recorded(key, target.name, "done")
            if turn.save is not None:
                await turn.save("result")
        future.set_result(result)
    except BaseException as exc:
        if isinstance(exc, InterruptException):  # paused before acting: not in doubt
            turn.state.idempotency.pop(key, None)
        if not future.done():
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it themselves
        raise
    finally:
        turn.inflight.pop(key, None)
    return ToolOutcome(call=call, result=result, arguments=arguments, key=key)


def _publish_dedup(call: ToolCall, key: str, in_doubt: bool) -> None:
    from locus.observability import current_run_id, emit

    if current_run_id() is not None:
        emit(
            "agent.tool.deduplicated",
            tool_name=call.name,
            tool_call_id=call.id,
            key=key,
            in_doubt=in_doubt,
        )


def _publish_recorded(key: str, tool_name: str, status: str) -> None:
    from locus.observability import current_run_id, emit

    if current_run_id() is not None:
        emit("memory.idempotency.recorded", key=key, tool_name=tool_name, status=status)
