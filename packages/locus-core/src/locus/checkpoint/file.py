"""Checkpointer writing one file per checkpoint under a directory.

Each checkpoint is written to a temporary file, flushed with ``fsync`` and
renamed into place, so a process killed mid-write leaves either the previous
checkpoint or the new one, never a torn file. Layout::

    <root>/<encoded thread id>/<sequence>-<encoded checkpoint id>.ckpt

A ``.ckpt`` file holds one line of JSON info (ids, parent, times, metadata)
followed by the envelope JSON: compact, or indented for reading when the
checkpointer is built with ``pretty=True`` (the info line then says
``"pretty": true`` and a load takes the indentation back out, so the payload
loads byte for byte as it was saved).

Example:
    >>> import asyncio, tempfile
    >>> from locus.checkpoint.file import FileCheckpointer
    >>> from locus.core.state import AgentState
    >>> cp = FileCheckpointer(tempfile.mkdtemp())
    >>> _ = asyncio.run(cp.save(AgentState(iteration=4), "t1"))
    >>> asyncio.run(cp.load("t1")).iteration
    4
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote, urlsplit

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from locus.checkpoint._base import BaseCheckpointer, CheckpointInfo, CheckpointRecord
from locus.checkpoint._decode import decode_record
from locus.checkpoint._lease import ThreadLease
from locus.checkpoint._pretty import compact, indent
from locus.core.errors import CheckpointSerializationError, ValidationError

__all__ = ["FileCheckpointer", "from_url"]

_SUFFIX = ".ckpt"
_LOCKS = ".locks"
_THREAD_FILE = "thread.json"
_HASHED = "%h"  # never produced by quote(), which writes '%' only as '%XX'
_MAX_ENCODED = 150


def _encode_cid(checkpoint_id: str) -> str:
    """The file-name form of a checkpoint id (a hash when it would be too long)."""
    encoded = quote(checkpoint_id, safe="")
    if len(encoded) > _MAX_ENCODED:
        return _HASHED + hashlib.sha256(checkpoint_id.encode()).hexdigest()
    return encoded


def _names(checkpoint_id: str) -> set[str]:
    """File-name forms a checkpoint id may have (older locus did not hash long ids)."""
    return {_encode_cid(checkpoint_id), quote(checkpoint_id, safe="")}


class FileCheckpointer(BaseCheckpointer):
    """Checkpoints as files in a directory.

    Writes and deletes of a thread hold an ``flock`` on
    ``<root>/.locks/<thread>.lock``, so several processes on one host (POSIX,
    local file system) can write one directory.

    Args:
        root: Directory holding the threads (created if missing).
        fsync: Flush files and directories to disk before a save returns
            (turn off only for throwaway data).
        pretty: Write each envelope as indented JSON, one value a line, for
            people reading the files (off by default: compact files are
            smaller and faster to write). Either kind of file loads with
            either setting.
        ttl: Seconds a checkpoint stays readable (``None``: forever).
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "file"
    assigns_parent: ClassVar[bool] = True
    concurrent_writers: ClassVar[bool] = fcntl is not None
    shared_leases: ClassVar[bool] = fcntl is not None

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        fsync: bool = True,
        pretty: bool = False,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.root = Path(root)
        self.fsync = fsync
        self.pretty = pretty
        self._lock = asyncio.Lock()

    # -- layout -------------------------------------------------------------------

    def _thread_dir(self, thread_id: str) -> Path:
        name = "t-" + quote(thread_id, safe="")
        if len(name) > 180:
            name = "h-" + hashlib.sha256(thread_id.encode()).hexdigest()
        return self.root / name

    @staticmethod
    def _files(tdir: Path) -> list[Path]:
        """Checkpoint files of a thread dir, newest first."""
        try:
            names = [n for n in os.listdir(tdir) if n.endswith(_SUFFIX)]
        except FileNotFoundError:
            return []
        names.sort(reverse=True)
        return [tdir / n for n in names]

    @staticmethod
    def _encoded_of(path: Path) -> str:
        """The encoded checkpoint id part of a file name (after ``<seq>-``)."""
        return path.name[: -len(_SUFFIX)].split("-", 1)[1]

    def _cid_of(self, path: Path) -> str:
        encoded = self._encoded_of(path)
        if encoded.startswith(_HASHED):  # the id is too long for a name: read it back
            record = self._read_file(path, payload=False)
            return record.checkpoint_id if record is not None else encoded
        return unquote(encoded)

    def _find(self, tdir: Path, checkpoint_id: str) -> Path | None:
        wanted = _names(checkpoint_id)
        for path in self._files(tdir):
            if self._encoded_of(path) in wanted:  # whole-id match: "1" never finds "order-1"
                return path
        return None

    # -- sync implementations (run in a worker thread) --------------------------------

    def _atomic_write(self, path: Path, data: bytes, *, durable: bool = True) -> None:
        tmp = path.parent / f".tmp-{uuid.uuid4().hex}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                if self.fsync and durable:
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        if self.fsync and durable:
            dfd = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)

    @contextlib.contextmanager
    def _thread_lock(self, thread_id: str) -> Iterator[None]:
        """Exclusive lock of a thread across processes (``flock``; in-process only elsewhere)."""
        if fcntl is None:  # pragma: no cover - Windows
            yield
            return
        locks = self.root / _LOCKS
        locks.mkdir(parents=True, exist_ok=True)
        fd = os.open(
            locks / f"{self._thread_dir(thread_id).name}.lock", os.O_RDWR | os.O_CREAT, 0o600
        )
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _write_sync(self, record: CheckpointRecord) -> None:
        with self._thread_lock(record.thread_id):
            self._write_locked(record)

    def _write_checked_sync(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        with self._thread_lock(record.thread_id):
            files = self._files(self._thread_dir(record.thread_id))
            if (self._cid_of(files[0]) if files else None) != expected_parent:
                return False
            self._write_locked(record, files)
            return True

    def _lease_path(self, thread_id: str) -> Path:
        return self.root / _LOCKS / f"{self._thread_dir(thread_id).name}.lease"

    def _lease_read(self, thread_id: str) -> ThreadLease | None:
        try:
            raw = json.loads(self._lease_path(thread_id).read_bytes())
            return ThreadLease(thread_id, str(raw["owner"]), float(raw["expires_at"]), raw["stop"])
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            return None  # a torn or foreign lease file holds nothing: the thread is free

    def _lease_write(self, lease: ThreadLease) -> None:
        body = {"owner": lease.owner, "expires_at": lease.expires_at, "stop": lease.stop}
        # not fsynced: a lease lost to a power cut only frees the thread early
        self._atomic_write(
            self._lease_path(lease.thread_id), json.dumps(body).encode(), durable=False
        )

    def _lease_sync(
        self, thread_id: str, owner: str, op: str, value: float | str | None
    ) -> ThreadLease | bool | None:
        """One lease operation under the thread's ``flock`` (see the ``_lease_*`` primitives)."""
        with self._thread_lock(thread_id):
            held = self._lease_read(thread_id)
            mine = held is not None and held.owner == owner
            if op == "acquire":
                if held is not None and not mine and held.live():
                    return held
                assert isinstance(value, float)
                self._lease_write(ThreadLease(thread_id, owner, value))
                return None
            if op == "renew":
                if held is None or not mine:
                    return None
                assert isinstance(value, float)
                held.expires_at = value
                self._lease_write(held)
                return held
            if op == "stop":
                if held is None or not mine or not held.live():
                    return False
                held.stop = str(value)
                self._lease_write(held)
                return True
            if mine:  # release
                self._lease_path(thread_id).unlink(missing_ok=True)
            return None

    def _write_locked(self, record: CheckpointRecord, files: list[Path] | None = None) -> None:
        tdir = self._thread_dir(record.thread_id)
        tdir.mkdir(parents=True, exist_ok=True)
        marker = tdir / _THREAD_FILE
        if not marker.exists():
            self._atomic_write(marker, json.dumps({"thread_id": record.thread_id}).encode())
        if files is None:
            files = self._files(tdir)
        seq = int(files[0].name.split("-", 1)[0]) + 1 if files else 1
        old: Path | None = None
        record.parent_id = None
        encoded = _encode_cid(record.checkpoint_id)
        names = _names(record.checkpoint_id)
        for existing in files:  # newest first: the parent is the newest *other* checkpoint
            if self._encoded_of(existing) in names:
                old = existing
            elif record.parent_id is None:
                record.parent_id = self._cid_of(existing)
        info = {
            "thread_id": record.thread_id,
            "checkpoint_id": record.checkpoint_id,
            "parent_id": record.parent_id,
            "created_at": record.created_at,
            "expires_at": record.expires_at,
            "v": record.schema_version,
            "metadata": record.metadata,
        }
        body = indent(record.payload) if self.pretty else None
        if body is not None:
            info["pretty"] = True
        data = json.dumps(info).encode() + b"\n" + (body or record.payload).encode()
        path = tdir / f"{seq:012d}-{encoded}{_SUFFIX}"
        self._atomic_write(path, data)
        if old is not None:
            old.unlink(missing_ok=True)

    def _read_file(self, path: Path, payload: bool) -> CheckpointRecord | None:
        try:
            with path.open("rb") as fh:
                head = fh.readline()
                body = fh.read() if payload else b""
        except FileNotFoundError:
            return None
        try:
            info = json.loads(head)
            thread_id, checkpoint_id = info["thread_id"], info["checkpoint_id"]
            if not isinstance(thread_id, str):
                raise TypeError(f"thread_id is {thread_id!r}")
        except (ValueError, KeyError, TypeError) as exc:
            raise CheckpointSerializationError(
                f"checkpoint file {str(path)!r} is corrupt (bad header line): {exc}", cause=exc
            ) from exc
        return decode_record(
            thread_id,
            checkpoint_id,
            parent_id=info.get("parent_id"),
            created_at=info.get("created_at"),
            expires_at=info.get("expires_at"),
            schema_version=info.get("v"),
            metadata=info.get("metadata"),
            payload=_body(body, pretty=info.get("pretty") is True) if payload else "",
        )

    def _read_sync(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        tdir = self._thread_dir(thread_id)
        if checkpoint_id is None:
            files = self._files(tdir)
            path = files[0] if files else None
        else:
            path = self._find(tdir, checkpoint_id)
        return None if path is None else self._read_file(path, payload=True)

    def _list_sync(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        out: list[CheckpointInfo] = []
        for path in self._files(self._thread_dir(thread_id)):
            if limit is not None and len(out) >= limit:
                break
            record = self._read_file(path, payload=False)
            if record is not None:
                out.append(record.info())
        return out

    def _delete_sync(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        with self._thread_lock(thread_id):
            return self._delete_locked(thread_id, checkpoint_ids)

    def _delete_locked(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        tdir = self._thread_dir(thread_id)
        files = self._files(tdir)
        if checkpoint_ids is not None:
            wanted = {name for cid in checkpoint_ids for name in _names(cid)}
            files = [p for p in files if self._encoded_of(p) in wanted]
        for path in files:
            path.unlink(missing_ok=True)
        if not self._files(tdir):
            for leftover in tdir.glob("*"):
                leftover.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                tdir.rmdir()
        return len(files)

    def _threads_sync(self) -> list[str]:
        try:
            entries = list(self.root.iterdir())
        except FileNotFoundError:
            return []
        out = []
        for tdir in entries:
            marker = tdir / _THREAD_FILE
            if tdir.is_dir() and marker.exists() and self._files(tdir):
                out.append(str(json.loads(marker.read_text())["thread_id"]))
        return out

    # -- primitives -----------------------------------------------------------------

    async def _write(self, record: CheckpointRecord) -> None:
        async with self._lock:
            await asyncio.to_thread(self._write_sync, record)

    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        async with self._lock:
            return await asyncio.to_thread(self._write_checked_sync, record, expected_parent)

    async def _lease_acquire(self, lease: ThreadLease) -> ThreadLease | None:
        held = await asyncio.to_thread(
            self._lease_sync, lease.thread_id, lease.owner, "acquire", lease.expires_at
        )
        return held if isinstance(held, ThreadLease) else None

    async def _lease_renew(
        self, thread_id: str, owner: str, expires_at: float
    ) -> ThreadLease | None:
        held = await asyncio.to_thread(self._lease_sync, thread_id, owner, "renew", expires_at)
        return held if isinstance(held, ThreadLease) else None

    async def _lease_stop(self, thread_id: str, owner: str, mode: str) -> bool:
        return bool(await asyncio.to_thread(self._lease_sync, thread_id, owner, "stop", mode))

    async def _lease_release(self, thread_id: str, owner: str) -> None:
        await asyncio.to_thread(self._lease_sync, thread_id, owner, "release", None)

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        return await asyncio.to_thread(self._read_sync, thread_id, checkpoint_id)

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        return await asyncio.to_thread(self._list_sync, thread_id, limit)

    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        async with self._lock:
            return await asyncio.to_thread(self._delete_sync, thread_id, checkpoint_ids)

    async def _list_threads(self) -> list[str]:
        return await asyncio.to_thread(self._threads_sync)


def _body(data: bytes, *, pretty: bool) -> str:
    """The stored payload of a file's body (indented bodies are compacted back exactly)."""
    text = data.decode("utf-8", "replace")
    return compact(text) if pretty else text


def from_url(url: str, **options: Any) -> FileCheckpointer:
    """Factory for ``file:///absolute/dir`` or ``file://./relative/dir``."""
    parts = urlsplit(url)
    path = unquote(parts.netloc + parts.path)
    if not path:
        raise ValidationError(
            f"file checkpointer URL needs a directory, e.g. 'file:///var/lib/locus', got {url!r}"
        )
    return FileCheckpointer(path, **options)
