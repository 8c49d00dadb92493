"""Subscriptions: bounded per-consumer queues fed from any thread, consumed on one event loop."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from locus.observability._busevent import BusEvent

__all__ = ["END_CLOSED", "END_IDLE", "END_RUN_CLOSED", "Subscription", "wake_waiters"]


class _Owner(Protocol):
    """What a subscription needs of its bus (the EventBus)."""

    def _unsubscribe(self, sub: Subscription) -> None: ...


END_RUN_CLOSED = "run_closed"
END_IDLE = "idle"
END_CLOSED = "closed"


class Subscription:
    """A consumer of bus events: an async iterator with a bounded queue.

    Live events beyond ``maxsize`` queued ones are dropped (and counted in
    :attr:`dropped`); the publisher never waits for a consumer. A run's
    replayed history is delivered in full before live events.

    Use it as ``async for ev in subscription`` (leaving the loop early
    unsubscribes) or as ``async with bus.subscribe(run_id) as sub``.

    Attributes:
        run_id: The watched run, or ``None`` for a global subscription.
        follow: Whether the subscription outlives idle periods of its run.
        include_children: Whether events of nested runs are delivered too.
        maxsize: Capacity of the live-event queue.
        dropped: Live events lost because the queue was full.
        end_reason: Why the iteration ended: ``"run_closed"``, ``"idle"``,
            ``"closed"``; ``None`` while it is still open.
    """

    def __init__(
        self,
        bus: _Owner,
        run_id: str | None,
        *,
        maxsize: int,
        follow: bool,
        include_children: bool = False,
        replay: list[BusEvent] | None = None,
    ) -> None:
        self._bus = bus
        self.run_id = run_id
        self.follow = follow
        self.include_children = include_children
        self.maxsize = maxsize
        self.dropped = 0
        self.end_reason: str | None = None
        self._replay: deque[BusEvent] = deque(replay or ())
        self._queue: deque[BusEvent] = deque()
        self._lock = threading.Lock()
        self._waiter: asyncio.Future[None] | None = None
        self._ending: str | None = None

    # -- producer side (any thread) ------------------------------------------

    def _offer(self, event: BusEvent) -> asyncio.Future[None] | None:
        """Queue ``event``; return the consumer's waiter when it must be woken."""
        with self._lock:
            if self._ending is not None:
                return None
            if len(self._queue) >= self.maxsize:
                self.dropped += 1
                return None
            self._queue.append(event)
            waiter, self._waiter = self._waiter, None
        return waiter

    def _end(self, reason: str) -> None:
        with self._lock:
            if self._ending is None:
                self._ending = reason
            waiter, self._waiter = self._waiter, None
        if waiter is not None:
            self._wake(waiter)

    def _wake(self, waiter: asyncio.Future[None]) -> None:
        if wake_waiters([(self, waiter)]):
            self._bus._unsubscribe(self)

    # -- consumer side ---------------------------------------------------------

    @property
    def pending(self) -> int:
        """Events delivered to this subscription and not consumed yet."""
        return len(self._replay) + len(self._queue)

    def __aiter__(self) -> AsyncIterator[BusEvent]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[BusEvent]:
        try:
            while True:
                try:
                    event = await self.__anext__()
                except StopAsyncIteration:
                    return
                yield event
        finally:
            self.close()

    async def __anext__(self) -> BusEvent:
        while True:
            if self._replay:
                return self._replay.popleft()
            with self._lock:
                if self._queue:
                    return self._queue.popleft()
                if self._ending is not None:
                    self.end_reason = self._ending
                    self._bus._unsubscribe(self)
                    raise StopAsyncIteration
                waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
                self._waiter = waiter
            try:
                await waiter
            except asyncio.CancelledError:
                self.close()
                raise

    def drain(self) -> list[BusEvent]:
        """Take every event delivered so far without waiting (for sync code)."""
        with self._lock:
            events = [*self._replay, *self._queue]
            self._replay.clear()
            self._queue.clear()
        return events

    def close(self) -> None:
        """Stop receiving events; a pending or later ``__anext__`` ends the iteration."""
        self._end(END_CLOSED)
        self._bus._unsubscribe(self)

    async def aclose(self) -> None:
        """Async alias of :meth:`close`."""
        self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        target = repr(self.run_id) if self.run_id is not None else "global"
        return f"<Subscription {target} pending={self.pending} dropped={self.dropped}>"


def _resolve_all(waiters: list[asyncio.Future[None]]) -> None:
    for waiter in waiters:
        if not waiter.done():
            waiter.set_result(None)


def wake_waiters(
    pending: list[tuple[Subscription, asyncio.Future[None]]],
) -> list[Subscription]:
    """Resolve consumer waiters: directly on their loop's thread, else one hop per loop.

    Returns the subscriptions whose event loop is closed (nobody is listening).
    """
    try:
        running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Subscription, asyncio.Future[None]]]] = {}
    for item in pending:
        by_loop.setdefault(item[1].get_loop(), []).append(item)
    dead: list[Subscription] = []
    for loop, group in by_loop.items():
        waiters = [waiter for _, waiter in group]
        if loop is running:
            _resolve_all(waiters)
            continue
        try:
            loop.call_soon_threadsafe(_resolve_all, waiters)
        except RuntimeError:
            dead.extend(sub for sub, _ in group)
    return dead
