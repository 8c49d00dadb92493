"""Thread leases: which run owns a thread, stored next to its checkpoints.

A lease says "run ``owner`` holds thread ``t`` until ``expires_at``". The
holder renews it while it runs; a crashed holder stops renewing, so its lease
expires and the thread is free again. A newer run can ask the holder to stop
(``stop = "interrupt" | "rollback"``); the holder sees it when it renews.

Backends store leases in the same store as the checkpoints (a table, a key, a
file) so processes sharing the store see each other's runs.
:class:`LocalLeases` is the in-process store the base class falls back to.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

__all__ = ["LocalLeases", "ThreadLease"]


@dataclass(slots=True)
class ThreadLease:
    """One run's hold on a thread.

    Attributes:
        thread_id: The thread.
        owner: Id of the holding run (unique per run).
        expires_at: Unix time after which the lease is free to take.
        stop: ``"interrupt"`` or ``"rollback"`` when a newer run asked the
            holder to stop at its next checkpoint; ``None`` otherwise.
    """

    thread_id: str
    owner: str
    expires_at: float
    stop: str | None = None

    def live(self, now: float | None = None) -> bool:
        """Whether the lease has not expired."""
        return self.expires_at > (time.time() if now is None else now)


class LocalLeases:
    """Leases in a dict of this process (memory backend; fallback of custom backends)."""

    def __init__(self) -> None:
        self._leases: dict[str, ThreadLease] = {}

    def acquire(self, lease: ThreadLease) -> ThreadLease | None:
        """Take the thread unless another owner holds a live lease; return that holder."""
        held = self._leases.get(lease.thread_id)
        if held is not None and held.owner != lease.owner and held.live():
            return replace(held)
        self._leases[lease.thread_id] = replace(lease, stop=None)
        return None

    def renew(self, thread_id: str, owner: str, expires_at: float) -> ThreadLease | None:
        """Extend ``owner``'s lease; the lease (with its stop request) or ``None`` if lost."""
        held = self._leases.get(thread_id)
        if held is None or held.owner != owner:
            return None
        held.expires_at = expires_at
        return replace(held)

    def request_stop(self, thread_id: str, owner: str, mode: str) -> bool:
        """Ask ``owner`` to stop at its next checkpoint; ``False`` if it no longer holds it."""
        held = self._leases.get(thread_id)
        if held is None or held.owner != owner or not held.live():
            return False
        held.stop = mode
        return True

    def release(self, thread_id: str, owner: str) -> None:
        """Drop ``owner``'s lease (no-op when it does not hold it)."""
        held = self._leases.get(thread_id)
        if held is not None and held.owner == owner:
            del self._leases[thread_id]
