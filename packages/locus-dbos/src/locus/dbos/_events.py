"""A workflow's events as a DBOS stream, for a caller in another process.

A run that streams its events buffers them and writes each batch inside the
next DBOS step it runs live, tagged with that step's id, as one stream value:
no extra step, one insert per live step. A recovered run replays recorded
steps without running their bodies, so the batches they wrote are not written
again; a step run again after its batch landed (the worker died inside its
body) writes a batch under the same step id, which the reader skips. The rest
is written by a last step, which closes the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from dbos import DBOS
from locus.core.events import LocusEvent

if TYPE_CHECKING:
    from dbos import DBOSClient

__all__ = [
    "EVENTS_STREAM",
    "EventWriter",
    "current_writer",
    "finish_events",
    "read_events",
    "writing_events",
]

EVENTS_STREAM = "locus.events"
"""The DBOS stream key a run's events are written under."""

_log = logging.getLogger("locus.dbos")
_CATCH_UP_PASSES = 3
_WRITER: ContextVar[EventWriter | None] = ContextVar("locus_dbos_event_writer", default=None)


class EventWriter:
    """Buffers a workflow's events; each live step writes what came before it, in order."""

    def __init__(self) -> None:
        self.pending: list[LocusEvent] = []
        self._last: asyncio.Future[None] | None = None

    def add(self, event: LocusEvent) -> None:
        self.pending.append(event)

    async def caught_up(self) -> None:
        """Let the run's consumer (the workflow body) take the events emitted so far.

        The agent loop emits into a buffer that the workflow body drains in
        its own task; one pass of the event loop hands it every buffered
        event. Taking a batch only after that makes a step's batch "every
        event emitted before the step", the same in a run and in its replay,
        which the reader's per-step dedupe relies on.
        """
        for _ in range(_CATCH_UP_PASSES):
            await asyncio.sleep(0)

    def take(self) -> Batch:
        """The events so far, to be written by the step about to start (in start order)."""
        batch = Batch(self.pending, self._last)
        self.pending = []
        self._last = batch.written
        return batch


class Batch:
    """Events waiting for a step's body; ``written`` resolves once it is written or dropped."""

    def __init__(self, events: list[LocusEvent], previous: asyncio.Future[None] | None) -> None:
        self.events = events
        self.previous = previous
        self.written: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    async def write(self, *, close: bool = False) -> None:
        """Write the batch from inside the current DBOS step, after the batch before it."""
        try:
            if self.previous is not None:
                await asyncio.shield(self.previous)
            if self.events:
                await DBOS.write_stream_async(EVENTS_STREAM, (DBOS.step_id, self.events))
            if close:
                await DBOS.close_stream_async(EVENTS_STREAM)
        except Exception:  # the run goes on; only its watchers miss events
            _log.warning("could not write run events to the DBOS stream", exc_info=True)
        finally:
            self.done()

    def done(self) -> None:
        """Mark written (or dropped: its step was replayed, its events written before)."""
        if not self.written.done():
            self.written.set_result(None)


def current_writer() -> EventWriter | None:
    """The event writer of the current workflow (``None``: its events are not streamed)."""
    return _WRITER.get()


@contextlib.contextmanager
def writing_events(writer: EventWriter | None) -> Iterator[None]:
    token = _WRITER.set(writer)
    try:
        yield
    finally:
        _WRITER.reset(token)


async def finish_events(writer: EventWriter) -> None:
    """Write the last events and close the stream, as the workflow's last step."""
    batch = writer.take()

    async def last() -> None:
        await batch.write(close=True)

    try:
        await DBOS.run_step_async({"name": "locus.events", "retries_allowed": False}, last)
    finally:
        batch.done()


async def read_events(
    workflow_id: str, *, client: DBOSClient | None = None, idle_timeout: float | None = None
) -> AsyncIterator[LocusEvent]:
    """Yield the events of a run started with ``stream=True``, as it writes them.

    Reads from this process's launched DBOS, or through ``client`` (a
    ``DBOSClient``, for a process that runs no workflows). Ends when the run
    finished (its last event is its ``TerminateEvent``) or failed. A run
    recovered after a crash goes on with the events of the steps it runs
    live; each event of a recorded step is yielded once.

    Args:
        workflow_id: The run's workflow id (``handle.workflow_id``).
        client: Read through this client instead of the launched DBOS.
        idle_timeout: Seconds to wait for each next batch (``None``: no limit)
            before DBOS's ``DBOSStreamTimeoutError``.
    """
    values: AsyncGenerator[Any, None]
    if client is not None:
        values = client.read_stream_async(workflow_id, EVENTS_STREAM, timeout_seconds=idle_timeout)
    else:
        values = DBOS.read_stream_async(workflow_id, EVENTS_STREAM, timeout_seconds=idle_timeout)
    seen: set[int | None] = set()
    async with contextlib.aclosing(values):
        async for step_id, events in values:
            if step_id in seen:
                continue
            seen.add(step_id)
            for event in events:
                yield event
