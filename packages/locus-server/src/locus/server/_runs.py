"""Runs in flight: one background task per run, its event log, and SSE replay.

A streamed run does not belong to the HTTP connection that started it: the
run goes on when the client disconnects, its events are kept in an ordered
log, and a client reconnecting with ``Last-Event-ID: <run>:<seq>`` gets every
event after ``seq`` exactly once, then the live tail.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from locus.core.errors import LocusError
from locus.core.events import ErrorEvent, LocusEvent
from locus.streaming import SSEMessage, sse_payload

__all__ = ["RunLog", "RunRegistry", "encode_event", "parse_event_id"]

log = logging.getLogger("locus.server")


def encode_event(event: LocusEvent, rewrite: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """An event's SSE payload (:func:`locus.streaming.sse_payload`), ``data`` rewritten."""
    payload = sse_payload(event)
    rewrite(payload["data"])
    return payload


def parse_event_id(value: str) -> tuple[str, int] | None:
    """``"<run key>:<seq>"`` -> ``(run key, seq)``; ``None`` when malformed."""
    key, sep, seq = value.strip().rpartition(":")
    if not sep or not key or not seq.isdigit():
        return None
    return key, int(seq)


_TERMINATE = "agent.terminate"


@dataclass(eq=False)
class RunLog:
    """One run's events, in order, shared by every stream watching it.

    Each event is encoded once, when it is logged: its JSON text (the mirror
    copies it) and its SSE frame with the id ``<key>:<seq>`` (every stream
    sends the same bytes). A stream wakes only when it waits, and sends all
    the frames logged meanwhile in one write.

    Attributes:
        key: Id of the run for SSE event ids (``<key>:<seq>``).
        owner: User id that started it.
        thread: Scoped thread id.
        events: Encoded events; an event's ``seq`` is its index.
        texts: ``events[seq]`` as JSON text (the frame's ``data:``).
        frames: ``events[seq]`` as its SSE frame.
        end: ``seq`` of the run's ``agent.terminate`` event, once logged (a
            stream ends there whatever cleanup of the run remains).
        done: The run finished (its last event is in ``events``).
    """

    key: str
    owner: str
    thread: str
    events: list[dict[str, Any]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    frames: list[bytes] = field(default_factory=list)
    end: int | None = None
    done: bool = False
    finished_at: float | None = None
    task: asyncio.Task[None] | None = None
    _waiters: list[asyncio.Future[None]] = field(default_factory=list)

    def append(self, item: dict[str, Any]) -> None:
        seq = len(self.events)
        text = json.dumps(item, separators=(",", ":"), ensure_ascii=False, default=str)
        event_type = item["event_type"]
        self.events.append(item)
        self.texts.append(text)
        self.frames.append(_frame(self.key, seq, event_type, text))
        if event_type == _TERMINATE and self.end is None:
            self.end = seq
        self._wake()

    def finish(self) -> None:
        self.done = True
        self.finished_at = time.monotonic()
        self._wake()

    def _wake(self) -> None:
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def _changed(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    async def batch(self, start: int) -> list[str]:
        """JSON texts of the events from ``start`` on, waiting for one unless the run ended."""
        while start >= len(self.events) and not self.done:
            await self._changed()
        return self.texts[start:]

    async def first(self) -> dict[str, Any] | None:
        """The run's first event, once there is one (``None``: it ended without any)."""
        while not self.events and not self.done:
            await self._changed()
        return self.events[0] if self.events else None

    async def stream(self, after: int = -1) -> AsyncIterator[tuple[int, bytes]]:
        """``(count, frames)``: the SSE frames with ``seq > after`` up to ``agent.terminate``.

        Frames logged while the stream waited come in one chunk; ``count`` is
        how many events it holds.
        """
        seq = after + 1
        while True:
            stop = len(self.frames) if self.end is None else min(len(self.frames), self.end + 1)
            if seq < stop:
                chunk = self.frames[seq] if stop == seq + 1 else b"".join(self.frames[seq:stop])
                yield stop - seq, chunk
                seq = stop
            if (self.end is not None and seq > self.end) or (self.done and seq >= len(self.frames)):
                return
            if seq >= len(self.frames):
                await self._changed()


class RunRegistry:
    """Runs of this process, by key and by thread; finished logs kept ``retention`` s.

    Args:
        retention: Seconds a finished run's log stays available for replay.
    """

    def __init__(self, retention: float = 120.0) -> None:
        self.retention = retention
        self._runs: dict[str, RunLog] = {}
        self._active: dict[str, set[RunLog]] = {}
        self._finished: deque[RunLog] = deque()  # in finishing order: expiry pops the front

    def active(self, thread: str) -> bool:
        """A streamed run is in flight on ``thread`` in this process."""
        return thread in self._active

    def get(self, key: str) -> RunLog | None:
        """A run by key (in flight or recently finished)."""
        self._expire()
        return self._runs.get(key)

    def start(
        self,
        owner: str,
        thread: str,
        events: AsyncIterator[LocusEvent],
        encode: Callable[[LocusEvent], dict[str, Any]],
    ) -> RunLog:
        """Run ``events`` in a background task feeding a new :class:`RunLog`."""
        self._expire()
        run = RunLog(key=uuid.uuid4().hex, owner=owner, thread=thread)
        self._runs[run.key] = run
        self._active.setdefault(thread, set()).add(run)
        run.task = asyncio.get_running_loop().create_task(self._drive(run, events, encode))
        return run

    async def _drive(
        self,
        run: RunLog,
        events: AsyncIterator[LocusEvent],
        encode: Callable[[LocusEvent], dict[str, Any]],
    ) -> None:
        try:
            async for event in events:
                run.append(encode(event))
        except asyncio.CancelledError:
            run.append(_error_item("cancelled", "The server stopped this run."))
            raise
        except LocusError as exc:
            run.append(_error_item(exc.kind, str(exc)))
        except Exception as exc:
            log.error("run %s failed", run.key, exc_info=exc)
            run.append(_error_item("internal", "The run failed; see the server log."))
        finally:
            runs = self._active.get(run.thread)
            if runs is not None:
                runs.discard(run)
                if not runs:
                    del self._active[run.thread]
            run.finish()
            self._finished.append(run)

    def _expire(self) -> None:
        horizon = time.monotonic() - self.retention
        finished = self._finished
        while finished and (finished[0].finished_at or 0.0) < horizon:
            self._runs.pop(finished.popleft().key, None)

    async def aclose(self) -> None:
        """Cancel the runs still in flight (server shutdown)."""
        tasks = [r.task for runs in self._active.values() for r in runs if r.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task


def _error_item(kind: str, message: str) -> dict[str, Any]:
    return sse_payload(ErrorEvent(error_kind=kind, message=message))


def sse_frame(run_key: str, seq: int, item: dict[str, Any]) -> bytes:
    """One SSE frame in core's wire encoding, with the id ``<run>:<seq>``."""
    data = json.dumps(item, separators=(",", ":"), ensure_ascii=False, default=str)
    return _frame(run_key, seq, item["event_type"], data)


def _frame(run_key: str, seq: int, event_type: str, data: str) -> bytes:
    message = SSEMessage(event=event_type, data=data, id=f"{run_key}:{seq}")
    return message.format().encode("utf-8")
