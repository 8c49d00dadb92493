"""One run's ownership of a thread: a lease in the store and a compare-and-set chain.

A thread has at most one active run. :class:`ThreadRun` is what an Agent
run or a compiled-graph run holds while it works on a thread:

1. It takes the thread: first a FIFO lock of this process (runs of one
   process take turns in arrival order), then a lease in the checkpoint store
   (runs of other processes sharing the store wait too). What a run does when
   the thread is busy is its ``on_busy`` option (see :data:`OnBusy`).
2. It loads the thread's newest checkpoint and remembers its id (the *head*).
3. Every save is compare-and-set against the head (``expect_parent``), so even
   a writer that ignores leases cannot fork the thread silently: it gets
   :class:`~locus.core.errors.CheckpointConflictError` and nothing is written.
4. While it runs, a heartbeat renews the lease, so a crashed owner's lease
   expires (``lease_ttl``) and does not lock the thread for ever.
5. A newer run with ``on_busy="interrupt"``/``"rollback"`` asks it to stop;
   it stops at its next checkpoint with
   :class:`~locus.core.errors.RunSupersededError` (rollback first deletes the
   checkpoints it wrote).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, get_args

from locus.checkpoint._base import BaseCheckpointer
from locus.checkpoint._lease import ThreadLease
from locus.core.durable import StepInfo, current_step_runner, run_step
from locus.core.errors import (
    CheckpointConflictError,
    RunSupersededError,
    ThreadBusyError,
    ValidationError,
)
from locus.core.state import AgentState

__all__ = [
    "DEFAULT_BUSY_TIMEOUT",
    "DEFAULT_LEASE_TTL",
    "OnBusy",
    "ThreadRun",
    "check_on_busy",
]

OnBusy = Literal["reject", "enqueue", "interrupt", "rollback"]
"""What a run does when its thread already has an active run ("double texting"):

- ``"enqueue"`` (default): wait for the active run (and runs queued before this
  one) to finish, then run; give up with ``ThreadBusyError`` after ``busy_timeout``.
- ``"reject"``: raise ``ThreadBusyError`` at once.
- ``"interrupt"``: ask the active run to stop at its next checkpoint (its work
  so far is kept), then run after it.
- ``"rollback"``: ask the active run to stop at its next checkpoint and delete
  the checkpoints it wrote, then run after it.
"""

DEFAULT_BUSY_TIMEOUT = 60.0
"""Seconds a run waits for a busy thread before ``ThreadBusyError``."""

DEFAULT_LEASE_TTL = 30.0
"""Seconds a lease outlives its last renewal (how long a crashed owner blocks a thread)."""

_POLL_MAX = 0.25  # seconds between lease attempts while another process holds the thread


def check_on_busy(on_busy: Any, busy_timeout: Any) -> None:
    """Validate the ``on_busy`` / ``busy_timeout`` options of a run.

    Raises:
        locus.core.errors.ValidationError: an unknown option or a negative timeout.
    """
    if on_busy not in get_args(OnBusy):
        raise ValidationError(f"on_busy must be one of {list(get_args(OnBusy))}, got {on_busy!r}")
    if isinstance(busy_timeout, bool) or not isinstance(busy_timeout, int | float):
        raise ValidationError(f"busy_timeout must be seconds (a number), got {busy_timeout!r}")
    if busy_timeout < 0:
        raise ValidationError(f"busy_timeout must be >= 0 seconds, got {busy_timeout}")


@dataclass
class _Slot:
    """This process's queue for one thread of one store (on one event loop)."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0
    active: ThreadRun | None = None


_SLOTS: dict[tuple[int, int, str], _Slot] = {}
_HOST = socket.gethostname()


def _owner_dead(owner: str) -> bool:
    """Whether ``owner`` names a process of this host that no longer exists."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists but not ours (EPERM): alive
        return False
    return False


class ThreadRun:
    """Hold a thread for one run (``async with``), then load and save through it.

    Args:
        checkpointer: The thread's store. A :class:`BaseCheckpointer` gets
            leases and compare-and-set saves; another ``CheckpointerProtocol``
            object gets the in-process queue and plain saves; ``None`` (an
            agent keeping threads in memory) the in-process queue only.
        thread_id: The thread.
        on_busy: See :data:`OnBusy`.
        busy_timeout: Seconds to wait for a busy thread.
        lease_ttl: Seconds the store lease lives without a renewal.
        scope: Object whose runs share the in-process queue when there is no
            checkpointer (the agent).
        on_discard: Called on rollback when there is no store to delete from.
        pin_head: For a resume: the run continues the checkpoint that was the
            thread's newest when it was *called*; if another run moved the
            thread while this one waited, :meth:`load` raises
            :class:`~locus.core.errors.CheckpointConflictError` (two concurrent
            resumes of one pause: one wins, the other gets the conflict).
    """

    def __init__(
        self,
        checkpointer: Any,
        thread_id: str,
        *,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        lease_ttl: float = DEFAULT_LEASE_TTL,
        scope: object | None = None,
        on_discard: Callable[[], None] | None = None,
        pin_head: bool = False,
    ) -> None:
        check_on_busy(on_busy, busy_timeout)
        self.pin_head = pin_head
        self._pinned: str | None = None
        self.checkpointer = checkpointer
        self.store = checkpointer if isinstance(checkpointer, BaseCheckpointer) else None
        self.thread_id = thread_id
        self.on_busy: OnBusy = on_busy
        self.busy_timeout = float(busy_timeout)
        self.lease_ttl = lease_ttl
        self.owner = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex}"
        """Lease owner id: ``host:pid:random`` (a dead local owner is recognised at once)."""
        self.head: str | None = None
        """Id of the thread's newest checkpoint as this run knows it (the next save's parent)."""
        self.written: list[str] = []
        """Ids of the checkpoints this run saved."""
        self._scope = scope if checkpointer is None else checkpointer
        self._on_discard = on_discard
        self._stop: str | None = None
        self._superseded = False
        self._slot: _Slot | None = None
        self._key: tuple[int, int, str] | None = None
        self._locked = False
        self._leased = False
        self._heartbeat: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._started = 0.0

    # -- taking and releasing the thread ------------------------------------------------

    async def __aenter__(self) -> ThreadRun:
        self._started = time.monotonic()
        self._key = (id(self._scope), id(asyncio.get_running_loop()), self.thread_id)
        slot = _SLOTS.get(self._key)
        if slot is None:
            slot = _SLOTS[self._key] = _Slot()
        slot.users += 1
        self._slot = slot
        try:
            if self.pin_head and self.store is not None:
                newest = await self.store.history(self.thread_id, 1)
                self._pinned = newest[0].checkpoint_id if newest else None
            await self._take_local(slot)
            await self._take_lease()
        except BaseException:
            await self._leave()
            raise
        if self._leased:
            self._heartbeat = asyncio.create_task(self._beat(), name="locus-thread-lease")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._leave()

    def _busy(self, why: str) -> ThreadBusyError:
        waited = time.monotonic() - self._started
        return ThreadBusyError(
            f"thread {self.thread_id!r} {why} (on_busy={self.on_busy!r}, waited {waited:.1f}s). "
            "Retry later, pass a larger busy_timeout, use on_busy='enqueue' to wait, or "
            "use another thread_id",
            thread_id=self.thread_id,
            on_busy=self.on_busy,
            waited=waited,
        )

    def _remaining(self) -> float:
        return max(0.0, self.busy_timeout - (time.monotonic() - self._started))

    async def _take_local(self, slot: _Slot) -> None:
        if slot.lock.locked():
            if self.on_busy == "reject":
                raise self._busy("has an active run")
            if self.on_busy in ("interrupt", "rollback") and slot.active is not None:
                slot.active.request_stop(self.on_busy)
        if not slot.lock.locked():
            await slot.lock.acquire()
        else:
            try:
                await asyncio.wait_for(slot.lock.acquire(), self._remaining())
            except TimeoutError:
                raise self._busy("stayed busy") from None
        self._locked = True
        slot.active = self

    async def _take_lease(self) -> None:
        store = self.store
        if store is None:
            return
        delay = 0.01
        asked = False
        while True:
            lease = ThreadLease(self.thread_id, self.owner, time.time() + self.lease_ttl)
            held = await store._lease_acquire(lease)
            if held is None:
                self._leased = True
                return
            if _owner_dead(held.owner):  # killed on this host: free its lease now, not at expiry
                await store._lease_release(self.thread_id, held.owner)
                continue
            if self.on_busy == "reject":
                raise self._busy("has an active run in another process")
            if self.on_busy in ("interrupt", "rollback") and not asked:
                asked = await store._lease_stop(self.thread_id, held.owner, self.on_busy)
            remaining = self._remaining()
            if remaining <= 0:
                raise self._busy("stayed busy (held by another process)")
            await asyncio.sleep(min(delay, remaining))
            delay = min(delay * 2, _POLL_MAX)

    async def _beat(self) -> None:
        store = self.store
        assert store is not None
        interval = min(self.lease_ttl / 3, 2.0)
        stopping = self._stopping
        while not stopping.is_set():
            # wake on the stop event, not by cancellation: a cancel that lands inside a
            # driver call (a connection pool's wait) may be swallowed by the driver
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), interval)
            if stopping.is_set():
                return
            try:
                lease = await store._lease_renew(
                    self.thread_id, self.owner, time.time() + self.lease_ttl
                )
            except Exception:  # a blip: the next beat retries; CAS still guards the saves
                continue
            if lease is not None and lease.stop:
                self.request_stop(lease.stop)

    async def _leave(self) -> None:
        try:
            beat, self._heartbeat = self._heartbeat, None
            if beat is not None:
                self._stopping.set()
                if not beat.done():
                    # a renewal in flight finishes (bounded); then the loop sees the event
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(asyncio.shield(beat), self.lease_ttl / 3 + 1)
                    beat.cancel()
            if self._leased and self.store is not None:
                self._leased = False
                with contextlib.suppress(Exception):  # unreleased, it expires after lease_ttl
                    await self.store._lease_release(self.thread_id, self.owner)
        finally:
            slot = self._slot
            if slot is not None:
                self._slot = None
                if self._locked:
                    self._locked = False
                    if slot.active is self:
                        slot.active = None
                    slot.lock.release()
                slot.users -= 1
                if slot.users <= 0 and self._key is not None and _SLOTS.get(self._key) is slot:
                    del _SLOTS[self._key]

    # -- stopping ------------------------------------------------------------------

    def request_stop(self, mode: str) -> None:
        """Ask this run to stop at its next checkpoint (``"interrupt"`` or ``"rollback"``)."""
        if self._stop != "rollback":  # rollback is the stronger request
            self._stop = mode

    @property
    def superseded(self) -> bool:
        """Whether this run has stopped for a newer one (it saves nothing more)."""
        return self._superseded

    @property
    def stop_requested(self) -> str | None:
        """``"interrupt"``/``"rollback"`` once a newer run asked this one to stop."""
        return self._stop

    async def check_stop(self) -> None:
        """Stop here if asked to: rollback deletes this run's checkpoints first.

        Raises:
            locus.core.errors.RunSupersededError: a newer run asked this one to stop.
        """
        mode = self._stop
        if mode is None:
            return
        already, self._superseded = self._superseded, True
        if mode == "rollback" and not already:
            if self.store is not None and self.written:
                await self.store._delete(self.thread_id, list(self.written))
            elif self._on_discard is not None:
                self._on_discard()
            self.written.clear()
        kept = "kept" if mode == "interrupt" else "discarded"
        raise RunSupersededError(
            f"run on thread {self.thread_id!r} was stopped at a checkpoint by a newer run "
            f"(on_busy={mode!r}); its work was {kept}",
            thread_id=self.thread_id,
            mode=mode,
        )

    # -- loading and saving --------------------------------------------------------------

    async def load(self) -> AgentState | None:
        """The thread's newest state (``None`` for a new thread); sets :attr:`head`."""
        if self.store is not None:
            store = self.store
            found = await run_step(
                StepInfo("checkpoint_load", self.thread_id),
                lambda: store.load_with_id(self.thread_id),
            )
            if found is None:
                self.head = None
                return None
            state, self.head = found
            if self.pin_head and self.head != self._pinned:
                raise CheckpointConflictError(
                    f"thread {self.thread_id!r} moved on while this resume waited for it: "
                    f"another run continued checkpoint {self._pinned!r} first (the thread is "
                    f"now at {self.head!r}). Nothing was run; look at the thread's state "
                    "before answering again",
                    thread_id=self.thread_id,
                    expected_parent=self._pinned,
                    actual_parent=self.head,
                )
            return state
        if self.checkpointer is not None:
            loaded: AgentState | None = await self.checkpointer.load(self.thread_id)
            return loaded
        return None

    async def _save_on(
        self,
        store: BaseCheckpointer,
        state: AgentState,
        metadata: dict[str, Any] | None,
        parent: str | None,
    ) -> str:
        """Compare-and-set save on ``parent``; a step run again after its save landed finds it.

        Under a step runner (:mod:`locus.core.durable`) a worker may die after
        a save committed and before the runner recorded it; the recovered run
        saves again on the same parent. The newest checkpoint then *is* that
        save (same parent, same metadata: run id, source, step): its id is
        returned instead of a conflict.
        """
        try:
            return await store.save(state, self.thread_id, metadata=metadata, expect_parent=parent)
        except CheckpointConflictError:
            if current_step_runner() is None:
                raise
            newest = await store.history(self.thread_id, 1)
            if newest and newest[0].parent_id == parent and newest[0].metadata == (metadata or {}):
                return newest[0].checkpoint_id
            raise

    async def save(
        self, state: AgentState, metadata: dict[str, Any] | None = None, *, stop_ok: bool = True
    ) -> str | None:
        """Save ``state`` on the head (compare-and-set) and move the head to it.

        Args:
            state: State to save.
            metadata: Checkpoint metadata.
            stop_ok: Whether the run may stop right after this save when asked
                to (``False`` for a save that must be followed by more work,
                such as recording a tool call's intent before its body runs).

        Raises:
            locus.core.errors.CheckpointConflictError: another writer moved the thread.
            locus.core.errors.RunSupersededError: a newer run asked this one to stop.
        """
        if self._superseded:  # e.g. the loop recording the stop as a failure: keep nothing more
            await self.check_stop()
        cid: str | None = None
        source = (metadata or {}).get("source")
        info = StepInfo(
            "checkpoint_save", self.thread_id, source=source if isinstance(source, str) else None
        )
        if self.store is not None:
            store, parent = self.store, self.head
            cid = await run_step(info, lambda: self._save_on(store, state, metadata, parent))
        elif self.checkpointer is not None:
            plain = self.checkpointer
            cid = await run_step(info, lambda: plain.save(state, self.thread_id, metadata=metadata))
        if cid is not None:
            self.head = cid
            self.written.append(cid)
        if stop_ok:
            await self.check_stop()
        return cid
