"""The :class:`~locus.core.durable.StepRunner` on DBOS steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from dbos import DBOS
from locus.core.durable import StepInfo
from locus.core.errors import ToolInDoubtError
from locus.core.messages import ToolResult

__all__ = ["DBOSStepRunner"]

T = TypeVar("T")


class DBOSStepRunner:
    """Runs each locus step as a DBOS step of the current workflow.

    Outside a workflow (or inside a DBOS step) a step runs directly. An
    idempotent tool call is two DBOS steps, its intent and its body: a
    recovered workflow that finds the intent recorded but not the body knows
    the earlier attempt may have acted and applies the tool's ``in_doubt``
    policy (``report``: an in-doubt result, body not run; ``retry``: run the
    body again, with the same ``ToolContext.idempotency_key``; ``fail``:
    :class:`~locus.core.errors.ToolInDoubtError`), as the ledger does in core.
    """

    async def run_step(self, info: StepInfo, call: Callable[[], Awaitable[T]]) -> T:
        if not _in_workflow_body():
            return await call()
        name = f"locus.{info.kind}:{info.name}"
        if info.kind == "tool" and info.idempotency_key is not None:
            return await self._idempotent(info, name, call)

        async def step() -> T:  # DBOS awaits a coroutine function, not a lambda's awaitable
            return await call()

        result: T = await DBOS.run_step_async({"name": name, "retries_allowed": False}, step)
        return result

    async def _idempotent(self, info: StepInfo, name: str, call: Callable[[], Awaitable[T]]) -> T:
        fresh = False

        async def intent() -> str | None:
            nonlocal fresh
            fresh = True
            return info.idempotency_key

        await DBOS.run_step_async({"name": f"{name}:intent", "retries_allowed": False}, intent)

        async def body() -> Any:
            if not fresh and info.in_doubt != "retry":  # intent recorded, body never finished
                return _in_doubt(info)
            return await call()

        result: T = await DBOS.run_step_async({"name": name, "retries_allowed": False}, body)
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
