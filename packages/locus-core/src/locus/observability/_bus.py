"""The in-process EventBus: per-run history, bounded subscriber queues, thread-safe delivery."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from typing import Any

from locus.observability._busevent import BusEvent
from locus.observability._subscription import (
    END_CLOSED,
    END_IDLE,
    END_RUN_CLOSED,
    Subscription,
    wake_waiters,
)

__all__ = ["BusEvent", "EventBus", "Subscription"]

_MAX_NESTING = 32


class _Run:
    """Bookkeeping of one run on the bus."""

    __slots__ = (
        "active",
        "activities_started",
        "closed_at",
        "ended",
        "history",
        "opened",
        "parent_id",
        "seq",
        "subscribers",
    )

    def __init__(self, history_limit: int, parent_id: str | None) -> None:
        self.history: deque[BusEvent] = deque(maxlen=history_limit)
        self.seq = 0
        self.subscribers: tuple[Subscription, ...] = ()
        self.opened = 0
        self.activities_started = 0
        self.active = 0
        self.closed_at: float | None = None  # when it last stopped being open (for pruning)
        self.ended = False  # its run_context closed
        self.parent_id = parent_id

    @property
    def idle(self) -> bool:
        return self.activities_started > 0 and self.active == 0


class EventBus:
    """In-process publish/subscribe of run events.

    Events are kept per run (the last ``history_limit`` of them) so a late
    subscriber first gets the run's history, then live events. A closed run's
    history is freed ``retention_seconds`` after its context closed, and at
    most ``max_closed_runs`` closed runs are kept.

    Publishing is thread-safe and never blocks on consumers.

    Args:
        queue_size: Default capacity of each subscriber's live queue.
        history_limit: Events kept per run for replay (0 keeps none).
        retention_seconds: How long a closed run's history stays available.
        max_closed_runs: Closed runs kept at most, oldest freed first.
        max_queue_size: The original locus's name for ``queue_size``.
        history_per_run: The original locus's name for ``history_limit``.
        max_runs_retained: The original locus's name for ``max_closed_runs``.
    """

    def __init__(
        self,
        *,
        queue_size: int = 1024,
        history_limit: int = 10_000,
        retention_seconds: float = 300.0,
        max_closed_runs: int = 1000,
        max_queue_size: int | None = None,
        history_per_run: int | None = None,
        max_runs_retained: int | None = None,
    ) -> None:
        from locus.core.errors import ValidationError

        # the original locus's argument names
        queue_size = queue_size if max_queue_size is None else max_queue_size
        history_limit = history_limit if history_per_run is None else history_per_run
        max_closed_runs = max_closed_runs if max_runs_retained is None else max_runs_retained

        if queue_size < 1:
            raise ValidationError(f"queue_size must be >= 1, got {queue_size}.")
        if history_limit < 0:
            raise ValidationError(f"history_limit must be >= 0, got {history_limit}.")
        self.queue_size = queue_size
        self.history_limit = history_limit
        self.retention_seconds = retention_seconds
        self.max_closed_runs = max_closed_runs
        self._lock = threading.Lock()
        self._runs: dict[str, _Run] = {}
        self._closed: deque[tuple[float, str]] = deque()
        self._global: tuple[Subscription, ...] = ()

    # -- publishing ------------------------------------------------------------

    def publish(self, run_id: str, event_type: str, data: dict[str, Any]) -> BusEvent:
        """Record ``event_type`` with ``data`` in ``run_id`` and deliver it to subscribers.

        Returns:
            The :class:`BusEvent` as delivered.
        """
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:  # published outside run_context: keep it only for the retention time
                run = self._new_unopened_run_locked(run_id)
            run.seq += 1
            event = BusEvent(event_type, run_id, data, run.seq, time.time(), run.parent_id)
            run.history.append(event)
            targets = run.subscribers
            parent_id, hops = run.parent_id, 0
            while parent_id is not None and hops < _MAX_NESTING:  # nested run: tell ancestors
                parent = self._runs.get(parent_id)
                if parent is None:
                    break
                inherited = tuple(s for s in parent.subscribers if s.include_children)
                if inherited:
                    targets = (*targets, *inherited)
                parent_id, hops = parent.parent_id, hops + 1
            globals_ = self._global
        wake: list[tuple[Subscription, asyncio.Future[None]]] = []
        for sub in (*targets, *globals_) if globals_ else targets:
            waiter = sub._offer(event)
            if waiter is not None:
                wake.append((sub, waiter))
        if wake:
            for dead in wake_waiters(wake):
                dead._end(END_CLOSED)
                self._unsubscribe(dead)
        return event

    # -- subscribing -----------------------------------------------------------

    def subscribe(
        self,
        run_id: str,
        *,
        follow: bool = False,
        include_children: bool = False,
        queue_size: int | None = None,
    ) -> Subscription:
        """Watch one run: its history first, then live events.

        The iteration ends when the run's ``run_context()`` closes, or, unless
        ``follow=True``, as soon as the run is idle: at least one ``activity()``
        (an agent run, a graph run...) began in it and none is active. That is
        why ``subscribe`` after ``agent.run_sync(...)`` replays the run and
        ends. Subscribing to a run that has not started yet waits for it.

        Args:
            run_id: The run id ``run_context()`` yielded.
            follow: Keep going through idle periods until the context closes.
            include_children: Also deliver live events of runs nested in this one
                (``run_context()`` opened inside it); replay covers this run only.
            queue_size: Capacity of the live queue (default: the bus's).
        """
        sub = Subscription(
            self,
            run_id,
            maxsize=queue_size or self.queue_size,
            follow=follow,
            include_children=include_children,
        )
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:  # not started yet: wait for it
                run = self._new_unopened_run_locked(run_id)
            sub._replay.extend(run.history)
            if run.ended:
                sub._ending = END_RUN_CLOSED
            elif run.idle and not follow:
                sub._ending = END_IDLE
            else:
                run.subscribers = (*run.subscribers, sub)
        return sub

    def subscribe_global(self, *, queue_size: int | None = None) -> Subscription:
        """Watch every run's live events until the subscription is closed or cancelled."""
        sub = Subscription(self, None, maxsize=queue_size or self.queue_size, follow=True)
        with self._lock:
            self._global = (*self._global, sub)
        return sub

    def _unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            if sub.run_id is None:
                self._global = tuple(s for s in self._global if s is not sub)
                return
            run = self._runs.get(sub.run_id)
            if run is not None:
                run.subscribers = tuple(s for s in run.subscribers if s is not sub)
                if not run.subscribers and not run.opened and not run.history:
                    del self._runs[sub.run_id]

    # -- run lifecycle (driven by run_context / activity) ------------------------

    def open_run(self, run_id: str, parent_id: str | None = None) -> None:
        """Mark ``run_id`` open (``run_context`` does this)."""
        with self._lock:
            self._prune_locked(time.monotonic())
            run = self._runs.get(run_id)
            if run is None:
                run = self._runs[run_id] = _Run(self.history_limit, parent_id)
            elif run.parent_id is None:
                run.parent_id = parent_id
            run.opened += 1
            run.closed_at = None
            run.ended = False

    def close_run(self, run_id: str) -> None:
        """Mark ``run_id`` closed: its subscriptions end; its history is kept for a while."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:
                return
            run.opened = max(0, run.opened - 1)
            if run.opened:
                return
            now = time.monotonic()
            run.closed_at = now
            run.ended = True
            self._closed.append((now, run_id))
            subs, run.subscribers = run.subscribers, ()
            self._prune_locked(now)
        for sub in subs:
            sub._end(END_RUN_CLOSED)

    def close_stream(self, run_id: str) -> None:
        """The original locus's name for :meth:`close_run`."""
        self.close_run(run_id)

    def begin_activity(self, run_id: str) -> None:
        """Count an active producer (an agent run) in ``run_id``."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None:
                run = self._new_unopened_run_locked(run_id)
            run.activities_started += 1
            run.active += 1

    def end_activity(self, run_id: str) -> None:
        """End one producer in ``run_id``; non-follow subscriptions end when none is left."""
        with self._lock:
            run = self._runs.get(run_id)
            if run is None or run.active == 0:
                return
            run.active -= 1
            if run.active:
                return
            ending = tuple(s for s in run.subscribers if not s.follow)
            run.subscribers = tuple(s for s in run.subscribers if s.follow)
        for sub in ending:
            sub._end(END_IDLE)

    def history(self, run_id: str) -> list[BusEvent]:
        """The retained events of ``run_id`` (empty for an unknown or freed run)."""
        with self._lock:
            run = self._runs.get(run_id)
            return list(run.history) if run is not None else []

    def run_ids(self) -> list[str]:
        """Runs the bus currently holds (open, or closed within the retention window)."""
        with self._lock:
            return list(self._runs)

    def close(self) -> None:
        """End every subscription and forget every run."""
        with self._lock:
            subs = [s for run in self._runs.values() for s in run.subscribers]
            subs.extend(self._global)
            self._runs.clear()
            self._closed.clear()
            self._global = ()
        for sub in subs:
            sub._end(END_CLOSED)

    def _new_unopened_run_locked(self, run_id: str) -> _Run:
        now = time.monotonic()
        run = self._runs[run_id] = _Run(self.history_limit, None)
        run.closed_at = now
        self._closed.append((now, run_id))
        self._prune_locked(now)
        return run

    def _prune_locked(self, now: float) -> None:
        closed = self._closed
        busy: list[str] = []
        while closed and (
            len(closed) > self.max_closed_runs or now - closed[0][0] >= self.retention_seconds
        ):
            closed_at, run_id = closed.popleft()
            run = self._runs.get(run_id)
            if run is None or run.closed_at != closed_at or run.opened:
                continue  # freed already, or reopened (a later entry tracks it)
            if run.active or run.subscribers:
                busy.append(run_id)  # still in use outside a run_context: check again later
            else:
                del self._runs[run_id]
        for run_id in busy:
            self._runs[run_id].closed_at = now
            closed.append((now, run_id))
