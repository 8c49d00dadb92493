"""Drive the nodes and stream their events to the ``agent.run()`` consumer."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Literal

from locus.core.errors import LocusError
from locus.core.events import ErrorEvent, LocusEvent
from locus.core.messages import Message, Role
from locus.loop._context import LoopContext
from locus.loop.nodes import (
    INTERRUPTS_KEY,
    ExecuteNode,
    ReflectNode,
    TerminateNode,
    ThinkNode,
    pending_tool_calls,
    terminate_event,
)

__all__ = ["ERROR_KEY", "Entry", "run_loop"]

Entry = Literal["think", "execute", "reflect"]

ERROR_KEY = "locus_error"
"""``state.metadata`` key of a failed run's error (``{"kind", "message"}``)."""

_THINK = ThinkNode()
_EXECUTE = ExecuteNode()
_REFLECT = ReflectNode()
_TERMINATE = TerminateNode()


async def _loop(ctx: LoopContext, entry: Entry) -> None:
    state = ctx.state
    node: Entry = entry
    hooks = ctx.hooks
    while True:
        if node == "think":
            if hooks is not None and hooks.has("iteration_start"):
                await hooks.iteration_start(agent=ctx.agent, state=state)
            await _THINK(ctx)
        if node in ("think", "execute"):
            await _EXECUTE(ctx)
        if ctx.interrupted:
            return await _pause(ctx)
        last = _turn_message(ctx)
        final = last is None or not last.tool_calls
        await _REFLECT(ctx, final=final)
        reason = _TERMINATE(ctx, final=final)
        if hooks is not None and hooks.has("iteration_end"):
            calls = len(last.tool_calls) if last is not None else 0
            await hooks.iteration_end(agent=ctx.agent, state=state, tool_calls_made=calls)
        if reason is not None:
            break
        node = "think"
    state.status = "completed"
    state.stop_reason = reason
    await ctx.save("terminate")
    structured = state.structured_output if ctx.output_schema is not None else None
    ctx.emit(terminate_event(ctx, reason, structured))


async def _pause(ctx: LoopContext) -> None:
    state = ctx.state
    names = sorted({e["tool_name"] for e in state.metadata[INTERRUPTS_KEY].values()})
    state.stop_reason = f"Interrupted({', '.join(names)})"
    await ctx.save("interrupt")
    ctx.emit(terminate_event(ctx, state.stop_reason))


def _turn_message(ctx: LoopContext) -> Message | None:
    for message in reversed(ctx.state.messages):
        if message.role is Role.ASSISTANT:
            return message
        if message.role is Role.USER:
            return None
    return None


def entry_point(ctx: LoopContext) -> Entry:
    """Where a resumed run continues: pending tool calls, a final turn, or a new model turn."""
    last = ctx.state.last_message
    if pending_tool_calls(ctx):
        return "execute"
    if last is not None and last.role is Role.ASSISTANT and not last.tool_calls:
        return "reflect"
    return "think"


async def run_loop(ctx: LoopContext, entry: Entry = "think") -> AsyncIterator[LocusEvent]:
    """Run the loop from ``entry``, yielding every event as it is emitted.

    On failure an ``ErrorEvent`` and a ``TerminateEvent`` are emitted, the
    state is checkpointed with ``status="failed"`` and the error is re-raised.
    """
    signal = asyncio.Event()
    ctx._signal = signal
    buffer = ctx._buffer
    task = asyncio.ensure_future(_loop(ctx, entry))
    task.add_done_callback(lambda _: signal.set())
    try:
        while True:
            while buffer:
                yield buffer.popleft()
            if task.done():
                break
            signal.clear()
            if not buffer and not task.done():
                await signal.wait()
        error: BaseException | None = (
            asyncio.CancelledError("the run's task was cancelled")
            if task.cancelled()
            else task.exception()
        )
    finally:
        if not task.done():  # the consumer was cancelled or stopped iterating mid-run
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await _record_failure(ctx, asyncio.CancelledError("the run was cancelled"))
    if error is None:
        return
    kind = await _record_failure(ctx, error)
    for event in (
        ErrorEvent(error_kind=kind, message=_safe_str(error)),
        terminate_event(ctx, ctx.state.stop_reason or ""),
    ):
        ctx.emit(event)
        yield buffer.popleft()
    raise error


async def _record_failure(ctx: LoopContext, error: BaseException) -> str:
    """Checkpoint the run as ``failed`` with its error; returns the error's kind."""
    state = ctx.state
    state.status = "failed"
    kind = error.kind if isinstance(error, LocusError) else type(error).__name__
    state.stop_reason = f"Error({kind})"
    state.metadata[ERROR_KEY] = {"kind": kind, "message": _safe_str(error)[:2000]}
    with contextlib.suppress(Exception):  # keep the original error
        await ctx.save("error")
    return kind


def _safe_str(error: BaseException) -> str:
    try:
        return str(error) or type(error).__name__
    except Exception:
        return type(error).__name__
