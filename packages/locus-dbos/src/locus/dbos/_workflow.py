"""Any locus run (an agent, a compiled graph, a pattern) as a DBOS workflow."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from typing import Any, ParamSpec, TypeVar

from dbos import DBOS
from locus.core.durable import use_step_runner
from locus.core.events import LocusEvent
from locus.dbos._runner import DBOSStepRunner

__all__ = ["durable_workflow", "event_sink", "stream_events"]

P = ParamSpec("P")
R = TypeVar("R")

_RUNNERS = {False: DBOSStepRunner(), True: DBOSStepRunner(save_every_step=True)}
_SINKS: dict[str, Callable[[LocusEvent], None]] = {}


def durable_workflow(
    name: str, *, max_recovery_attempts: int | None = None, save_every_step: bool = False
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """Register an async function as the DBOS workflow ``name``; its locus steps become DBOS steps.

    Every model call, tool body and checkpoint load/save of every agent,
    graph or pattern the function runs is recorded as a DBOS step (see
    :mod:`locus.core.durable`). Register before ``DBOS.launch()``, under the
    same name in every process that starts or recovers the workflow.
    An agent's thread is saved when its run ends, not after every turn,
    unless ``save_every_step`` (see :class:`DBOSStepRunner`).

    Example::

        @durable_workflow("triage")
        async def triage(ticket: str) -> str:
            return (await pipeline.ainvoke({"ticket": ticket}))["summary"]
    """

    runner = _RUNNERS[bool(save_every_step)]

    def decorate(fn: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
        async def workflow(*args: P.args, **kwargs: P.kwargs) -> R:
            with use_step_runner(runner):
                return await fn(*args, **kwargs)

        workflow.__name__ = workflow.__qualname__ = name
        workflow.__doc__ = fn.__doc__
        options: dict[str, Any] = {"name": name}
        if max_recovery_attempts is not None:
            options["max_recovery_attempts"] = max_recovery_attempts
        registered: Callable[P, Coroutine[Any, Any, R]] = DBOS.workflow(**options)(workflow)
        return registered

    return decorate


def event_sink() -> Callable[[LocusEvent], None] | None:
    """The in-process consumer of the current workflow's events (``None``: nobody here listens)."""
    workflow_id = DBOS.workflow_id
    return _SINKS.get(workflow_id) if workflow_id is not None else None


@contextlib.contextmanager
def _listening(workflow_id: str, sink: Callable[[LocusEvent], None]) -> Iterator[None]:
    _SINKS[workflow_id] = sink
    try:
        yield
    finally:
        _SINKS.pop(workflow_id, None)


async def stream_events(
    workflow_id: str, start: Callable[[], Awaitable[Any]]
) -> AsyncIterator[LocusEvent | _Done]:
    """Start a workflow in this process and yield its events as it emits them, then its result."""
    queue: asyncio.Queue[LocusEvent] = asyncio.Queue()
    with _listening(workflow_id, queue.put_nowait):
        task = asyncio.ensure_future(start())
        while not task.done() or not queue.empty():
            getter = asyncio.ensure_future(queue.get())
            await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter.done():
                yield getter.result()
            else:
                getter.cancel()
        yield _Done(task.result())


class _Done:
    """The workflow's return value, after its last event."""

    def __init__(self, value: Any) -> None:
        self.value = value
