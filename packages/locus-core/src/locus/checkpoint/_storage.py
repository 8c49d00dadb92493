"""The storage side of a checkpointer: five primitives, a batch read, CAS and lease defaults."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import ClassVar

from locus.checkpoint._lease import LocalLeases, ThreadLease
from locus.checkpoint._records import CheckpointInfo, CheckpointRecord
from locus.checkpoint.serde import Serde

__all__ = ["CheckpointStorage"]


class CheckpointStorage(ABC):
    """What a backend implements; :class:`~locus.checkpoint.BaseCheckpointer` builds on it."""

    backend_name: ClassVar[str] = "custom"
    """Short backend name used in events (``"sqlite"``, ``"postgres"``...)."""

    assigns_parent: ClassVar[bool] = False
    """``True`` when :meth:`_write` sets ``parent_id`` itself, atomically with the
    write (SQL backends); otherwise the base reads the latest id first."""

    concurrent_writers: ClassVar[bool] = False
    """Whether several processes may write one store safely."""

    native_ttl: ClassVar[bool] = False
    """Whether the store expires records by itself (else expiry is lazy)."""

    shared_leases: ClassVar[bool] = False
    """Whether thread leases live in the store (seen by every process using it)
    rather than in this process only (the base class's fallback)."""

    snapshot_every: int = 32
    """Most deltas between two full snapshots of a chain."""

    delta_max_fraction: float = 0.5
    """A save writes a snapshot instead of a delta when the chain's deltas would
    add up to more than this fraction of its snapshot's size (so a load parses at
    most ~1.5 states' worth of JSON)."""

    ttl: float | None
    serde: Serde
    _local_leases: LocalLeases
    _cas_locks: dict[str, asyncio.Lock]

    # -- storage primitives -------------------------------------------------

    @abstractmethod
    async def _write(self, record: CheckpointRecord) -> None:
        """Store ``record`` durably; replace a record with the same thread and checkpoint id."""

    @abstractmethod
    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        """The record (the thread's newest when ``checkpoint_id`` is ``None``) or ``None``."""

    @abstractmethod
    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        """Infos of a thread's checkpoints, newest first, at most ``limit`` (all when ``None``)."""

    @abstractmethod
    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        """Delete the given checkpoints (all of the thread when ``None``); return how many."""

    @abstractmethod
    async def _list_threads(self) -> list[str]:
        """Ids of the threads holding at least one checkpoint."""

    async def _read_many(
        self, thread_id: str, checkpoint_ids: Sequence[str]
    ) -> list[CheckpointRecord]:
        """The records of ``checkpoint_ids`` found in the thread (missing ones omitted).

        The order is unspecified (callers index the result by id); expired records
        may be included (the caller filters). The default reads them one by one
        with :meth:`_read`; backends override it to fetch them in one round trip.
        """
        found: list[CheckpointRecord] = []
        for checkpoint_id in checkpoint_ids:
            record = await self._read(thread_id, checkpoint_id)
            if record is not None:
                found.append(record)
        return found

    # -- compare-and-set and leases (defaults: atomic within this process only) -----

    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        """Store ``record`` only if the thread's newest checkpoint is ``expected_parent``.

        ``None`` expects an empty thread. On success ``record.parent_id`` is
        ``expected_parent``. Returns ``False`` (and writes nothing) otherwise.
        Backends override this to make the check and the write one atomic
        step in the store; this default is atomic only within one process.
        """
        lock = self._cas_locks.setdefault(record.thread_id, asyncio.Lock())
        async with lock:
            head = await self._list(record.thread_id, 1)
            if (head[0].checkpoint_id if head else None) != expected_parent:
                return False
            record.parent_id = expected_parent
            await self._write(record)
            return True

    async def _lease_acquire(self, lease: ThreadLease) -> ThreadLease | None:
        """Store ``lease`` unless another owner holds a live one; return that live holder."""
        return self._local_leases.acquire(lease)

    async def _lease_renew(
        self, thread_id: str, owner: str, expires_at: float
    ) -> ThreadLease | None:
        """Extend ``owner``'s lease; return it (``stop`` set if asked to) or ``None`` if lost."""
        return self._local_leases.renew(thread_id, owner, expires_at)

    async def _lease_stop(self, thread_id: str, owner: str, mode: str) -> bool:
        """Ask the live holder ``owner`` to stop (``"interrupt"``/``"rollback"``)."""
        return self._local_leases.request_stop(thread_id, owner, mode)

    async def _lease_release(self, thread_id: str, owner: str) -> None:
        """Drop ``owner``'s lease if it still holds it."""
        self._local_leases.release(thread_id, owner)
