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

__all__ = ["Entry", "run_loop"]

Entry = Literal["think", "execute", "reflect"]

_THINK = ThinkNode()
_EXECUTE = ExecuteNode()
_REFLECT = ReflectNode()
_TERMINATE = TerminateNode()


async def _loop(ctx: LoopContext, entry: Entry) -> None:
    state = ctx.state
    node: Entry = entry
    while True:
        if node == "think":
            await _THINK(ctx)
        if node in ("think", "execute"):
            await _EXECUTE(ctx)
        if ctx.interrupted:
            return await _pause(ctx)
        last = _turn_message(ctx)
        final = last is None or not last.tool_calls
        await _REFLECT(ctx, final=final)
        reason = _TERMINATE(ctx, final=final)
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
        error = task.exception()
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if error is None:
        return
    state = ctx.state
    state.status = "failed"
    kind = error.kind if isinstance(error, LocusError) else type(error).__name__
    state.stop_reason = f"Error({kind})"
    with contextlib.suppress(Exception):  # keep the original error
        await ctx.save("error")
    for event in (
        ErrorEvent(error_kind=kind, message=str(error)),
        terminate_event(ctx, state.stop_reason),
    ):
        ctx.emit(event)
        yield buffer.popleft()
    raise error
