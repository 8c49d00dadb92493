"""The step seam: where a durable-execution engine wraps model calls, tool calls and saves.

A run's side effects go through three narrow points: the model call (with
its ``around_model_call`` hooks), a tool call's body (with its timeout,
idempotency key and interrupt scope) and the thread's checkpoint load/save.
Each is awaited through :func:`run_step`. Without a :class:`StepRunner` it
awaits the call directly (the in-process default, no overhead beyond one
context-variable read). Inside :func:`use_step_runner`, every such point of
every agent, graph or pattern run in that context (and the tasks it starts)
goes through the runner, which may record the result and, on a replay,
return the recorded one without calling again.

``locus-dbos`` implements a runner on DBOS steps; a Temporal integration would
map the same points onto activities (see docs/durable.md).
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

__all__ = [
    "StepInfo",
    "StepKind",
    "StepRunner",
    "current_step_runner",
    "run_step",
    "use_step_runner",
]

T = TypeVar("T")

StepKind = Literal["model", "tool", "checkpoint_load", "checkpoint_save"]
"""What a step does: a model call, a tool body, a thread load or a thread save."""


@dataclass(frozen=True)
class StepInfo:
    """What is about to run, for the runner's records and policies.

    Attributes:
        kind: See :data:`StepKind`.
        name: Model name, tool name, or the thread id of a checkpoint step.
        tool_call_id: The model's id for a tool call.
        idempotency_key: An idempotent tool's ledger key (``None`` otherwise).
        in_doubt: An idempotent tool's ``in_doubt`` policy
            (``"report"``, ``"retry"`` or ``"fail"``).
        source: A ``checkpoint_save``'s ``source`` metadata: for an agent run
            ``"input"`` (the prompt added), ``"execute"`` (after a tool turn),
            ``"intent"``/``"result"`` (an idempotent tool's ledger), then one
            of ``"terminate"``, ``"interrupt"`` or ``"error"`` (the run's last
            save); ``None`` for a save without metadata (a graph's).
    """

    kind: StepKind
    name: str
    tool_call_id: str | None = None
    idempotency_key: str | None = None
    in_doubt: str | None = None
    source: str | None = None


class StepRunner(Protocol):
    """Runs one step: awaits ``call`` (or returns its recorded result).

    A runner must return what ``call`` returned (or would have) and raise
    what it raised; it must not call ``call`` twice for one recorded step.
    One exception: for a ``checkpoint_save`` whose ``source`` is
    ``"input"``, ``"execute"``, ``"intent"`` or ``"result"`` (a save that
    the run's last save supersedes), a runner whose engine records every
    step itself may skip the save by returning ``None`` without calling
    ``call``; the thread's head then stays at its previous checkpoint and
    the next save goes on from there.
    """

    async def run_step(self, info: StepInfo, call: Callable[[], Awaitable[T]]) -> T: ...


_RUNNER: ContextVar[StepRunner | None] = ContextVar("locus_step_runner", default=None)


def current_step_runner() -> StepRunner | None:
    """The runner of the current context (``None``: steps run directly)."""
    return _RUNNER.get()


@contextlib.contextmanager
def use_step_runner(runner: StepRunner | None) -> Iterator[None]:
    """Route every step started in this context (and tasks created in it) through ``runner``."""
    token = _RUNNER.set(runner)
    try:
        yield
    finally:
        _RUNNER.reset(token)


async def run_step(info: StepInfo, call: Callable[[], Awaitable[T]]) -> T:
    """Await ``call`` through the current runner, or directly when there is none."""
    runner = _RUNNER.get()
    if runner is None:
        return await call()
    return await runner.run_step(info, call)
