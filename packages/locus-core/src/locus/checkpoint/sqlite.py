"""SQLite checkpointer on the standard library's ``sqlite3``.

WAL journal, a busy timeout and ``BEGIN IMMEDIATE`` write transactions make
it safe with several processes writing one database file. Blocking calls run
in a worker thread so the event loop keeps serving.

Example:
    >>> import asyncio, tempfile, os
    >>> from locus.checkpoint.sqlite import SQLiteCheckpointer
    >>> from locus.core.state import AgentState
    >>> path = os.path.join(tempfile.mkdtemp(), "threads.db")
    >>> async def demo():
    ...     async with SQLiteCheckpointer(path) as cp:
    ...         await cp.save(AgentState(iteration=2), "t1")
    ...         return (await cp.load("t1")).iteration
    >>> asyncio.run(demo())
    2
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar
from urllib.parse import unquote, urlsplit

from locus.checkpoint._base import BaseCheckpointer, CheckpointInfo, CheckpointRecord
from locus.checkpoint._decode import decode_info, decode_record
from locus.checkpoint._lease import ThreadLease
from locus.core.errors import CheckpointError, ValidationError

__all__ = ["SQLiteCheckpointer", "from_url"]

T = TypeVar("T")

SQLITE_SCHEMA_VERSION = 2
_PREFIX_RE = re.compile(r"\A[A-Za-z_][A-Za-z0-9_]{0,40}\Z")
_COLUMNS = "thread_id, checkpoint_id, parent_id, created_at, expires_at, v, metadata"


def _row_record(thread_id: str, row: Sequence[Any]) -> CheckpointRecord:
    """A record from a row of ``_COLUMNS, payload`` (each stored field checked)."""
    return decode_record(
        thread_id,
        row[1],
        parent_id=row[2],
        created_at=row[3],
        expires_at=row[4],
        schema_version=row[5],
        metadata=row[6],
        payload=row[7],
    )


class SQLiteCheckpointer(BaseCheckpointer):
    """Checkpoints in one SQLite database file.

    Args:
        path: Database file (created with its parent folder if missing) or
            ``":memory:"`` for a private in-memory database.
        table_prefix: Prefix of the tables (``locus_checkpoints``,
            ``locus_schema``); letters, digits and ``_``.
        busy_timeout: Seconds a writer waits for another process's lock.
        ttl: Seconds a checkpoint stays readable (``None``: forever).
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "sqlite"
    assigns_parent: ClassVar[bool] = True
    concurrent_writers: ClassVar[bool] = True
    shared_leases: ClassVar[bool] = True

    def __init__(
        self,
        path: str | os.PathLike[str] = ":memory:",
        *,
        table_prefix: str = "locus_",
        busy_timeout: float = 30.0,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        if not _PREFIX_RE.match(table_prefix):
            raise ValidationError(
                f"table_prefix must be letters, digits and '_' (not starting with a digit), "
                f"got {table_prefix!r}"
            )
        self.path = str(path)
        self.busy_timeout = busy_timeout
        self._t = f"{table_prefix}checkpoints"
        self._leases = f"{table_prefix}leases"
        self._schema = f"{table_prefix}schema"
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()

    # -- connection -------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        self._setup(conn)
        return conn

    def _setup(self, conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {self._schema} (version INTEGER NOT NULL)")
            row = conn.execute(f"SELECT MAX(version) FROM {self._schema}").fetchone()
            version = row[0] if row and row[0] is not None else 0
            if version > SQLITE_SCHEMA_VERSION:
                raise CheckpointError(
                    f"the SQLite database {self.path!r} uses table schema v{version}, newer "
                    f"than this locus supports (v{SQLITE_SCHEMA_VERSION}); upgrade locus-core"
                )
            if version < 1:
                conn.execute(
                    f"""CREATE TABLE IF NOT EXISTS {self._t} (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        thread_id TEXT NOT NULL,
                        checkpoint_id TEXT NOT NULL,
                        parent_id TEXT,
                        created_at REAL NOT NULL,
                        expires_at REAL,
                        v INTEGER NOT NULL,
                        metadata TEXT NOT NULL,
                        payload TEXT NOT NULL,
                        UNIQUE (thread_id, checkpoint_id)
                    )"""
                )
                conn.execute(
                    f"CREATE INDEX IF NOT EXISTS {self._t}_thread_seq ON {self._t} (thread_id, seq)"
                )
                conn.execute(f"INSERT INTO {self._schema} (version) VALUES (1)")
            if version < 2:  # v2: thread leases (which run owns a thread)
                conn.execute(
                    f"""CREATE TABLE IF NOT EXISTS {self._leases} (
                        thread_id TEXT PRIMARY KEY,
                        owner TEXT NOT NULL,
                        expires_at REAL NOT NULL,
                        stop TEXT
                    )"""
                )
                conn.execute(f"INSERT INTO {self._schema} (version) VALUES (2)")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            if self._conn is None:
                self._conn = self._connect()
            return fn(self._conn)

    async def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            return await asyncio.to_thread(self._run, fn)
        except sqlite3.Error as exc:
            raise CheckpointError(f"SQLite checkpointer {self.path!r}: {exc}", cause=exc) from exc

    async def setup(self) -> None:
        """Open the database and create or migrate its tables (done on first use too)."""
        await self._call(lambda conn: None)

    async def aclose(self) -> None:
        """Close the connection (a later call reopens it)."""

        def close() -> None:
            with self._lock:
                if self._conn is not None:
                    self._conn.close()
                    self._conn = None

        await asyncio.to_thread(close)

    # -- primitives --------------------------------------------------------------

    async def _write(self, record: CheckpointRecord) -> None:
        t = self._t
        meta = json.dumps(record.metadata) if record.metadata else "{}"

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    f"DELETE FROM {t} WHERE thread_id = ? AND checkpoint_id = ?",
                    (record.thread_id, record.checkpoint_id),
                )
                conn.execute(
                    f"INSERT INTO {t} ({_COLUMNS}, payload) VALUES (?, ?, "
                    f"(SELECT checkpoint_id FROM {t} WHERE thread_id = ? "
                    f"ORDER BY seq DESC LIMIT 1), ?, ?, ?, ?, ?)",
                    (
                        record.thread_id,
                        record.checkpoint_id,
                        record.thread_id,
                        record.created_at,
                        record.expires_at,
                        record.schema_version,
                        meta,
                        record.payload,
                    ),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

        await self._call(write)

    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        t = self._t
        meta = json.dumps(record.metadata) if record.metadata else "{}"

        def write(conn: sqlite3.Connection) -> bool:
            conn.execute("BEGIN IMMEDIATE")  # the write lock: check and insert are one step
            try:
                row = conn.execute(
                    f"SELECT checkpoint_id FROM {t} WHERE thread_id = ? ORDER BY seq DESC LIMIT 1",
                    (record.thread_id,),
                ).fetchone()
                if (row[0] if row else None) != expected_parent:
                    conn.execute("ROLLBACK")
                    return False
                conn.execute(
                    f"DELETE FROM {t} WHERE thread_id = ? AND checkpoint_id = ?",
                    (record.thread_id, record.checkpoint_id),
                )
                conn.execute(
                    f"INSERT INTO {t} ({_COLUMNS}, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.thread_id,
                        record.checkpoint_id,
                        expected_parent,
                        record.created_at,
                        record.expires_at,
                        record.schema_version,
                        meta,
                        record.payload,
                    ),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            record.parent_id = expected_parent
            return True

        return await self._call(write)

    # -- leases --------------------------------------------------------------------

    def _lease_txn(
        self, fn: Callable[[sqlite3.Connection], T]
    ) -> Callable[[sqlite3.Connection], T]:
        def txn(conn: sqlite3.Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                out = fn(conn)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return out

        return txn

    async def _lease_acquire(self, lease: ThreadLease) -> ThreadLease | None:
        sql = f"SELECT owner, expires_at, stop FROM {self._leases} WHERE thread_id = ?"

        def acquire(conn: sqlite3.Connection) -> ThreadLease | None:
            row = conn.execute(sql, (lease.thread_id,)).fetchone()
            if row is not None:
                held = ThreadLease(lease.thread_id, row[0], row[1], row[2])
                if held.owner != lease.owner and held.live():
                    return held
            conn.execute(
                f"INSERT OR REPLACE INTO {self._leases} (thread_id, owner, expires_at, stop) "
                "VALUES (?, ?, ?, NULL)",
                (lease.thread_id, lease.owner, lease.expires_at),
            )
            return None

        return await self._call(self._lease_txn(acquire))

    async def _lease_renew(
        self, thread_id: str, owner: str, expires_at: float
    ) -> ThreadLease | None:
        def renew(conn: sqlite3.Connection) -> ThreadLease | None:
            n = conn.execute(
                f"UPDATE {self._leases} SET expires_at = ? WHERE thread_id = ? AND owner = ?",
                (expires_at, thread_id, owner),
            ).rowcount
            if not n:
                return None
            row = conn.execute(
                f"SELECT stop FROM {self._leases} WHERE thread_id = ?", (thread_id,)
            ).fetchone()
            return ThreadLease(thread_id, owner, expires_at, row[0] if row else None)

        return await self._call(self._lease_txn(renew))

    async def _lease_stop(self, thread_id: str, owner: str, mode: str) -> bool:
        sql = (
            f"UPDATE {self._leases} SET stop = ? WHERE thread_id = ? AND owner = ? "
            "AND expires_at > ?"
        )
        args = (mode, thread_id, owner, time.time())
        return bool(await self._call(lambda conn: conn.execute(sql, args).rowcount))

    async def _lease_release(self, thread_id: str, owner: str) -> None:
        sql = f"DELETE FROM {self._leases} WHERE thread_id = ? AND owner = ?"
        await self._call(lambda conn: conn.execute(sql, (thread_id, owner)))

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        if checkpoint_id is None:
            sql = (
                f"SELECT {_COLUMNS}, payload FROM {self._t} WHERE thread_id = ? "
                "ORDER BY seq DESC LIMIT 1"
            )
            args: tuple[str, ...] = (thread_id,)
        else:
            sql = (
                f"SELECT {_COLUMNS}, payload FROM {self._t} "
                "WHERE thread_id = ? AND checkpoint_id = ?"
            )
            args = (thread_id, checkpoint_id)
        row = await self._call(lambda conn: conn.execute(sql, args).fetchone())
        if row is None:
            return None
        return _row_record(thread_id, row)

    async def _read_many(
        self, thread_id: str, checkpoint_ids: Sequence[str]
    ) -> list[CheckpointRecord]:
        ids = list(dict.fromkeys(checkpoint_ids))
        out: list[CheckpointRecord] = []
        for start in range(0, len(ids), 500):  # under SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            sql = (
                f"SELECT {_COLUMNS}, payload FROM {self._t} WHERE thread_id = ? "
                f"AND checkpoint_id IN ({', '.join('?' * len(chunk))})"
            )
            rows = await self._call(_fetch_all(sql, (thread_id, *chunk)))
            out.extend(_row_record(thread_id, row) for row in rows)
        return out

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        sql = f"SELECT {_COLUMNS} FROM {self._t} WHERE thread_id = ? ORDER BY seq DESC LIMIT ?"
        rows = await self._call(
            lambda conn: conn.execute(sql, (thread_id, -1 if limit is None else limit)).fetchall()
        )
        return [
            decode_info(
                thread_id,
                r[1],
                parent_id=r[2],
                created_at=r[3],
                expires_at=r[4],
                schema_version=r[5],
                metadata=r[6],
            )
            for r in rows
        ]

    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        t = self._t

        def delete(conn: sqlite3.Connection) -> int:
            if checkpoint_ids is None:
                return conn.execute(f"DELETE FROM {t} WHERE thread_id = ?", (thread_id,)).rowcount
            n = 0
            ids = list(checkpoint_ids)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                marks = ", ".join("?" * len(chunk))
                n += conn.execute(
                    f"DELETE FROM {t} WHERE thread_id = ? AND checkpoint_id IN ({marks})",
                    (thread_id, *chunk),
                ).rowcount
            return n

        return await self._call(delete)

    async def _list_threads(self) -> list[str]:
        rows = await self._call(
            lambda conn: conn.execute(f"SELECT DISTINCT thread_id FROM {self._t}").fetchall()
        )
        return [r[0] for r in rows]


def from_url(url: str, **options: Any) -> SQLiteCheckpointer:
    """Factory for ``sqlite:///relative.db``, ``sqlite:////abs/path.db``, ``sqlite://`` (memory)."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.netloc:
        raise ValidationError(
            f"sqlite URLs have no host: use 'sqlite:///relative/path.db' or "
            f"'sqlite:////absolute/path.db', got {url!r}"
        )
    path = path[1:] if path.startswith("/") else path
    return SQLiteCheckpointer(path or ":memory:", **options)


def _fetch_all(sql: str, args: tuple[str, ...]) -> Callable[[sqlite3.Connection], list[Any]]:
    return lambda conn: conn.execute(sql, args).fetchall()
