"""``BaseCheckpointer``: the checkpointer contract built on five storage primitives."""

from __future__ import annotations

import asyncio
import enum
import os
import time
from collections import OrderedDict
from dataclasses import replace
from types import TracebackType
from typing import Any, ClassVar, Literal, Self

from locus.checkpoint._chain import before_replace, materialise, protect, resolve
from locus.checkpoint._decode import (
    check_checkpoint_id,
    check_metadata,
    check_thread_id,
    checked,
    decode_metadata,
)
from locus.checkpoint._delta import Base
from locus.checkpoint._events import emit_deleted, emit_loaded, emit_missing, emit_saved
from locus.checkpoint._lease import LocalLeases
from locus.checkpoint._records import CheckpointInfo, CheckpointRecord
from locus.checkpoint._storage import CheckpointStorage
from locus.checkpoint._writer import conflict, encode
from locus.checkpoint.serde import Serde
from locus.core.errors import (
    CheckpointError,
    CheckpointNotFoundError,
    ValidationError,
)
from locus.core.protocols import CheckpointerCapabilities
from locus.core.state import AgentState

__all__ = [
    "ANY_PARENT",
    "BaseCheckpointer",
    "CheckpointInfo",
    "CheckpointRecord",
    "decode_metadata",
    "new_checkpoint_id",
]


class _AnyParent(enum.Enum):
    ANY = "any"


ANY_PARENT: Literal[_AnyParent.ANY] = _AnyParent.ANY
"""``save(expect_parent=ANY_PARENT)`` (the default): append without compare-and-set."""


def new_checkpoint_id() -> str:
    """A fresh checkpoint id: 16 hex digits of nanoseconds + 8 random hex digits."""
    return f"{time.time_ns():016x}{os.urandom(4).hex()}"


class BaseCheckpointer(CheckpointStorage):
    """Base class of every locus checkpointer.

    Implements :class:`~locus.core.protocols.CheckpointerProtocol` (``save``,
    ``load``, ``list_checkpoints``, ``capabilities``) and the extended API
    (``history``, time travel, ``fork``, ``list_threads``, ``delete_thread``,
    ``prune``, TTL) on five storage primitives a backend implements:

    - :meth:`_write` stores a record (replacing one with the same ids);
    - :meth:`_read` returns one record (the newest when no id is given);
    - :meth:`_list` returns a thread's records' infos, newest first;
    - :meth:`_delete` removes some or all checkpoints of a thread;
    - :meth:`_list_threads` returns thread ids.

    A save writes a *delta* (what changed since the last state this
    checkpointer saved or loaded for the thread) or, every
    :attr:`snapshot_every` records of a chain and whenever the delta would be
    large, a full *snapshot*; a load reassembles (see
    :mod:`locus.checkpoint._delta` and docs/persistence.md).

    Args:
        ttl: Seconds a checkpoint stays readable after it is saved (``None``:
            forever); a chain expires as one, at most ``ttl * 1.1`` after its
            snapshot. Expired checkpoints are hidden and removed lazily;
            backends with native expiry also expire them server-side.
        serde: Envelope codec (defaults to the current schema).
        snapshot_every: Most deltas in a chain before a full snapshot (a load
            reads at most ``snapshot_every + 1`` records); ``1`` for one delta
            per snapshot. Defaults to :attr:`snapshot_every`.
    """

    delta_cache_threads: ClassVar[int] = 128
    """Threads whose last state is cached for deltas (least recently used dropped)."""

    def __init__(
        self,
        *,
        ttl: float | None = None,
        serde: Serde | None = None,
        snapshot_every: int | None = None,
    ) -> None:
        if ttl is not None and ttl <= 0:
            raise ValidationError(f"ttl must be a positive number of seconds or None, got {ttl!r}")
        if snapshot_every is not None:
            if snapshot_every < 0:
                raise ValidationError(f"snapshot_every must be >= 0, got {snapshot_every}")
            self.snapshot_every = snapshot_every
        self._bases: OrderedDict[str, Base] = OrderedDict()
        self.ttl = ttl
        self.serde = serde if serde is not None else Serde()
        self._local_leases = LocalLeases()
        self._cas_locks: dict[str, asyncio.Lock] = {}

    # -- protocol -------------------------------------------------------------

    @property
    def capabilities(self) -> CheckpointerCapabilities:
        """Everything is supported on every backend; ``concurrent_writers`` varies."""
        return CheckpointerCapabilities(
            list_threads=True,
            delete_thread=True,
            history=True,
            time_travel=True,
            fork=True,
            ttl=True,
            concurrent_writers=self.concurrent_writers,
        )

    async def save(
        self,
        state: AgentState,
        thread_id: str,
        checkpoint_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        *,
        expect_parent: str | Literal[_AnyParent.ANY] | None = ANY_PARENT,
    ) -> str:
        """Save ``state`` as the newest checkpoint of ``thread_id``.

        Args:
            state: State to persist (not modified; later changes do not leak in).
            thread_id: Conversation thread.
            checkpoint_id: Id to use; an existing checkpoint with this id is
                replaced and becomes the newest. A fresh id when ``None``.
            metadata: JSON-compatible annotations, returned by :meth:`history`.
            expect_parent: Compare-and-set: save only if the thread's newest
                checkpoint is this id (``None``: only if the thread is empty).
                A run passes the checkpoint it started from, then each id it
                saved, so two writers can never fork a thread silently. The
                default :data:`ANY_PARENT` appends without checking.

        Returns:
            The checkpoint id.

        Raises:
            locus.core.errors.ValidationError: ``thread_id`` or ``checkpoint_id`` is
                empty, holds a NUL or a lone surrogate, or the id is longer than
                255 characters.
            locus.core.errors.CheckpointSerializationError: ``state`` or
                ``metadata`` cannot be serialised.
            locus.core.errors.CheckpointConflictError: ``expect_parent`` is not
                the thread's newest checkpoint (nothing was written).
        """
        _check_thread(thread_id)
        if checkpoint_id is not None:
            check_checkpoint_id(checkpoint_id)
        if (
            expect_parent is not ANY_PARENT
            and checkpoint_id is not None
            and (checkpoint_id == expect_parent)
        ):
            raise ValidationError(
                f"checkpoint_id {checkpoint_id!r} equals expect_parent: a compare-and-set "
                "save adds a new checkpoint (omit checkpoint_id for a fresh one)"
            )
        if metadata:
            metadata = check_metadata(metadata)
        now = time.time()
        cid = checkpoint_id if checkpoint_id is not None else new_checkpoint_id()
        cached = self._bases.get(thread_id)
        if checkpoint_id is not None:
            cached = None  # a replaced checkpoint must not be its own base
            await before_replace(self, thread_id, checkpoint_id)
            self._bases.pop(thread_id, None)
        payload, base = encode(self, state, cid, cached, now)
        record = CheckpointRecord(
            thread_id=thread_id,
            checkpoint_id=cid,
            payload=payload,
            created_at=now,
            metadata=metadata or {},
            schema_version=base.version,
            expires_at=base.expires_at,
        )
        if expect_parent is not ANY_PARENT:
            if not await self._write_checked(record, expect_parent):
                raise await conflict(self, thread_id, expect_parent)
        else:
            if not self.assigns_parent:
                latest = await self._list(thread_id, 2)
                record.parent_id = next(
                    (i.checkpoint_id for i in latest if i.checkpoint_id != cid), None
                )
            try:
                await self._write(record)
            except BaseException:
                self._bases.pop(thread_id, None)  # the store's state is unknown: snapshot next
                raise
        base.created_at, base.size = now, len(payload)
        self._remember(thread_id, base)
        emit_saved(self.backend_name, thread_id, cid, len(payload))
        return cid

    def _remember(self, thread_id: str, base: Base) -> None:
        if self.snapshot_every <= 0:
            return
        self._bases[thread_id] = base
        self._bases.move_to_end(thread_id)
        while len(self._bases) > self.delta_cache_threads:
            self._bases.popitem(last=False)

    async def load(self, thread_id: str, checkpoint_id: str | None = None) -> AgentState | None:
        """Load the newest checkpoint of a thread, or a given one (time travel).

        Returns:
            The state, or ``None`` when the thread has no (unexpired) checkpoint.

        Raises:
            locus.core.errors.ValidationError: an id is invalid (as in :meth:`save`).
            locus.core.errors.CheckpointNotFoundError: ``checkpoint_id`` was given
                and does not exist (or expired) in the thread.
            locus.core.errors.CheckpointSerializationError: the record is corrupt
                (payload or a stored field), foreign or from a newer locus; the
                message names the thread and checkpoint.
        """
        found = await self.load_with_id(thread_id, checkpoint_id)
        return None if found is None else found[0]

    async def load_with_id(
        self, thread_id: str, checkpoint_id: str | None = None
    ) -> tuple[AgentState, str] | None:
        """As :meth:`load`, with the id of the checkpoint read (a run's ``expect_parent``)."""
        record = await self._stored_record(thread_id, checkpoint_id)
        if record is None:
            emit_missing(self.backend_name, thread_id)
            return None
        cached = self._bases.get(thread_id)
        if (
            cached is not None
            and cached.matches(record)
            and cached.version == self.serde.schema_version
            and cached.intact()
        ):
            # the state this checkpointer saved or loaded last, none of its items
            # edited in place since: no parse, and the caller's next save still
            # diffs by identity against the same items
            emit_loaded(self.backend_name, thread_id, record.checkpoint_id)
            return cached.state(), record.checkpoint_id
        loaded = await resolve(self, record)
        state = loaded.state
        if loaded.full_bytes:  # a chain of an older schema is not a base: the next save snapshots
            self._remember(thread_id, loaded.base(record))
        emit_loaded(self.backend_name, thread_id, record.checkpoint_id)
        return state, record.checkpoint_id

    async def list_checkpoints(self, thread_id: str, limit: int = 10) -> list[str]:
        """Checkpoint ids of a thread, newest first."""
        return [info.checkpoint_id for info in await self.history(thread_id, limit)]

    # -- extended API -----------------------------------------------------------

    async def load_record(
        self, thread_id: str, checkpoint_id: str | None = None
    ) -> CheckpointRecord | None:
        """The stored record (envelope text and info) without decoding the state.

        A delta comes back materialised: its ``payload`` is the full envelope
        ``{"v": N, "state": {...}}`` (reassembled, not migrated) that a
        snapshot would hold, so :meth:`copy_record` into another store and
        readers of the envelope work on any record.

        Raises:
            locus.core.errors.CheckpointNotFoundError: as :meth:`load`.
            locus.core.errors.CheckpointSerializationError: a delta's chain is
                corrupt or incomplete (the message names the checkpoint).
        """
        record = await self._stored_record(thread_id, checkpoint_id)
        return None if record is None else await materialise(self, record)

    async def _stored_record(
        self, thread_id: str, checkpoint_id: str | None = None
    ) -> CheckpointRecord | None:
        """The stored record as is (a delta stays a delta), expiry applied."""
        _check_thread(thread_id)
        if checkpoint_id is not None:
            check_checkpoint_id(checkpoint_id)
        record = await self._read(thread_id, checkpoint_id)
        if record is not None:
            record = checked(record)
        if (
            record is not None
            and record.expires_at is not None
            and record.expires_at <= (time.time())
        ):
            await self._delete(thread_id, [record.checkpoint_id])
            record = None if checkpoint_id is not None else await self._read_unexpired(thread_id)
        if record is None and checkpoint_id is not None:
            raise CheckpointNotFoundError(
                f"thread {thread_id!r} has no checkpoint {checkpoint_id!r}; "
                f"list the existing ones with history({thread_id!r})"
            )
        return record

    async def _read_unexpired(self, thread_id: str) -> CheckpointRecord | None:
        for info in await self.history(thread_id, 1):
            record = await self._read(thread_id, info.checkpoint_id)
            return None if record is None else checked(record)
        return None

    async def history(self, thread_id: str, limit: int | None = None) -> list[CheckpointInfo]:
        """Infos of a thread's checkpoints, newest first (expired ones removed)."""
        _check_thread(thread_id)
        if limit is not None and limit < 0:
            raise ValidationError(f"limit must be >= 0 or None, got {limit}")
        infos = await self._list(thread_id, None if self.ttl is not None else limit)
        if self.ttl is not None or any(i.expires_at is not None for i in infos):
            now = time.time()
            expired = [i.checkpoint_id for i in infos if i.expired(now)]
            if expired:
                await self._delete(thread_id, expired)
                infos = [i for i in infos if not i.expired(now)]
        return infos if limit is None else infos[:limit]

    async def list_threads(self) -> list[str]:
        """Ids of every thread with at least one checkpoint, sorted."""
        return sorted(await self._list_threads())

    async def delete_thread(self, thread_id: str) -> int:
        """Delete a thread and all its checkpoints; returns how many were deleted."""
        _check_thread(thread_id)
        self._bases.pop(thread_id, None)
        deleted = await self._delete(thread_id, None)
        if deleted:
            emit_deleted(self.backend_name, thread_id)
        return deleted

    async def prune(self, thread_id: str, keep_latest: int) -> int:
        """Keep only the ``keep_latest`` newest checkpoints of a thread.

        Returns:
            How many checkpoints were deleted.
        """
        if keep_latest < 0:
            raise ValidationError(f"keep_latest must be >= 0, got {keep_latest}")
        if keep_latest == 0:
            return await self.delete_thread(thread_id)
        infos = await self.history(thread_id)
        doomed = [i.checkpoint_id for i in infos[keep_latest:]]
        if not doomed:
            return 0
        kept = [i.checkpoint_id for i in infos[:keep_latest]]
        cached = self._bases.get(thread_id)
        if cached is not None and cached.checkpoint_id not in kept:
            self._bases.pop(thread_id, None)
        await protect(self, thread_id, kept, doomed)
        return await self._delete(thread_id, doomed)

    async def fork(self, thread_id: str, checkpoint_id: str | None, new_thread_id: str) -> str:
        """Start ``new_thread_id`` from a checkpoint of ``thread_id``.

        The new thread's first checkpoint holds the same state (with
        ``thread_id`` set to the new thread) and metadata
        ``{"forked_from": {"thread_id": ..., "checkpoint_id": ...}}``.

        Returns:
            The new thread's checkpoint id.

        Raises:
            locus.core.errors.CheckpointNotFoundError: the source checkpoint
                does not exist (or the source thread is empty).
            locus.core.errors.CheckpointError: ``new_thread_id`` already has checkpoints.
        """
        _check_thread(new_thread_id)
        if await self._list(new_thread_id, 1):
            raise CheckpointError(
                f"cannot fork into thread {new_thread_id!r}: it already has checkpoints "
                "(pick a new thread id or delete_thread() it first)"
            )
        record = await self._stored_record(thread_id, checkpoint_id)
        if record is None:
            raise CheckpointNotFoundError(f"thread {thread_id!r} has no checkpoint to fork from")
        state = (await resolve(self, record)).state
        state.thread_id = new_thread_id
        forked_from = {"thread_id": thread_id, "checkpoint_id": record.checkpoint_id}
        return await self.save(
            state, new_thread_id, metadata={**record.metadata, "forked_from": forked_from}
        )

    async def copy_record(self, record: CheckpointRecord) -> None:
        """Write a raw record as is (migration between stores, tests of corrupt data).

        Copy records that :meth:`load_record` returned (full envelopes): a
        delta copied alone would name a base the other store may not hold.
        """
        self._bases.pop(record.thread_id, None)
        await self._write(replace(record))

    # -- lifecycle --------------------------------------------------------------

    async def aclose(self) -> None:
        """Release connections; the default has nothing to release."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _check_thread(thread_id: str) -> None:
    check_thread_id(thread_id)
