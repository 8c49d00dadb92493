"""The :class:`~locus.core.durable.StepRunner` on DBOS steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from dbos import DBOS
from locus.core.durable import StepInfo
from locus.core.errors import ToolInDoubtError
from locus.core.messages import ToolResult
from locus.dbos._events import current_writer

__all__ = ["SUPERSEDED_SAVES", "DBOSStepRunner"]

T = TypeVar("T")


SUPERSEDED_SAVES = frozenset({"input", "execute", "intent", "result"})
"""Checkpoint saves a run's last save supersedes: skipped under DBOS unless ``save_every_step``."""


class DBOSStepRunner:
    """Runs each locus step as a DBOS step of the current workflow.

    Outside a workflow (or inside a DBOS step) a step runs directly. An
    idempotent tool call is two DBOS steps, its intent and its body: a
    recovered workflow that finds the intent recorded but not the body knows
    the earlier attempt may have acted and applies the tool's ``in_doubt``
    policy (``report``: an in-doubt result, body not run; ``retry``: run the
    body again, with the same ``ToolContext.idempotency_key``; ``fail``:
    :class:`~locus.core.errors.ToolInDoubtError`), as the ledger does in core.

    DBOS records every step, so the thread's checkpoint saves that the run's
    last save supersedes (sources in :data:`SUPERSEDED_SAVES`: the prompt
    added, each tool turn, an idempotent tool's ledger) are skipped: the
    thread is saved once, when the run ends (``terminate``, ``interrupt`` or
    ``error``); while it runs, the thread shows its previous state and the
    run in flight is in DBOS. ``save_every_step=True`` keeps every save
    (each one a DBOS step), for a thread whose history must show every turn.

    Args:
        save_every_step: Save the thread after every turn too.
    """

    def __init__(self, *, save_every_step: bool = False) -> None:
        self.save_every_step = save_every_step

    async def run_step(self, info: StepInfo, call: Callable[[], Awaitable[T]]) -> T:
        if not _in_workflow_body():
            return await call()
        if (
            info.kind == "checkpoint_save"
            and not self.save_every_step
            and info.source in SUPERSEDED_SAVES
        ):
            return None  # type: ignore[return-value]  # skipped save: see StepRunner
        name = f"locus.{info.kind}:{info.name}"
        if info.kind == "tool" and info.idempotency_key is not None:
            return await self._idempotent(info, name, call)
        return await _step(name, call)

    async def _idempotent(self, info: StepInfo, name: str, call: Callable[[], Awaitable[T]]) -> T:
        fresh = False

        async def intent() -> str | None:
            nonlocal fresh
            fresh = True
            return info.idempotency_key

        await _step(f"{name}:intent", intent)

        async def body() -> Any:
            if not fresh and info.in_doubt != "retry":  # intent recorded, body never finished
                return _in_doubt(info)
            return await call()

        result: T = await _step(name, body)
        return result


async def _step(name: str, call: Callable[[], Awaitable[T]]) -> T:
    """``call`` as the DBOS step ``name``; its body first writes the run's events so far."""
    writer = current_writer()
    batch = None
    if writer is not None:
        await writer.caught_up()
        batch = writer.take()

    async def step() -> T:  # DBOS awaits a coroutine function, not a lambda's awaitable
        if batch is not None:
            await batch.write()
        return await call()

    try:
        result: T = await DBOS.run_step_async({"name": name, "retries_allowed": False}, step)
    finally:
        if batch is not None:
            batch.done()  # a replayed step wrote its events when it first ran
    return result


def _in_workflow_body() -> bool:
    """In a workflow's own code (not outside one, not inside one of its steps)."""
    return DBOS.workflow_id is not None and DBOS.step_id is None


def _in_doubt(info: StepInfo) -> ToolResult:
    key = info.idempotency_key or ""
    if info.in_doubt == "fail":
        raise ToolInDoubtError(
            f"The call {info.name} is in doubt: a worker recorded its intent (idempotency key "
            f"{key}) and stopped before recording its result, and the tool's in_doubt policy "
            "is 'fail'. Check the outcome with the downstream system (using the key), then "
            "answer the thread or use in_doubt='retry' if the system dedupes on the key.",
            tool_name=info.name,
            idempotency_key=key,
        )
    return ToolResult(
        tool_call_id=info.tool_call_id or "",
        name=info.name,
        content=(
            f"The call {info.name} is in doubt: a worker recorded its intent (idempotency key "
            f"{key}) and stopped before recording its result, so it was NOT run again to avoid "
            "a duplicate side effect. Check the outcome with the downstream system before "
            "acting on it."
        ),
        in_doubt=True,
    )
