"""``OracleCheckpointer``: python-oracledb thin mode (async), one JSON row per checkpoint."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any, ClassVar

from locus.checkpoint import (
    BaseCheckpointer,
    CheckpointInfo,
    CheckpointRecord,
    decode_metadata,
)
from locus.checkpoint.oracle._sql import OracleStatements, if_absent
from locus.core.errors import CheckpointError, ConfigError

__all__ = ["TABLE_SCHEMA_VERSION", "OracleCheckpointer"]

TABLE_SCHEMA_VERSION = 1
"""Version of the tables :meth:`OracleCheckpointer.setup` creates."""

_IN_CHUNK = 500
"""Most ids bound in one ``IN (...)`` list."""


def _clob_as_str(cursor: Any, metadata: Any) -> Any:
    """Output type handler: fetch CLOBs as ``str`` (no LOB round trips)."""
    import oracledb

    if metadata.type_code is oracledb.DB_TYPE_CLOB:
        return cursor.var(oracledb.DB_TYPE_LONG, arraysize=cursor.arraysize)
    return None


class OracleCheckpointer(BaseCheckpointer):
    """Checkpoints in Oracle Database (21c+ ``JSON`` columns; 23ai/26ai recommended).

    Writes of one thread are serialised by locking the thread's row in the
    threads table, so parent links stay a chain with many writer processes;
    a compare-and-set save reads the thread's newest checkpoint under that
    lock and writes only if it is the expected parent. Thread leases are
    this process's (the base class's); across processes the compare-and-set
    keeps a thread from forking (the losing run gets CheckpointConflictError).

    Args:
        pool: An ``oracledb.AsyncConnectionPool`` (you own it) — or use
            :meth:`from_params`.
        table_prefix: Prefix of the table names (``LOCUS_CHECKPOINTS``...).
        auto_setup: Run :meth:`setup` on first use.
        ttl: Seconds a checkpoint stays readable (``None``: forever).
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "oracle"
    assigns_parent: ClassVar[bool] = True
    concurrent_writers: ClassVar[bool] = True

    def __init__(
        self,
        pool: Any,
        *,
        table_prefix: str = "LOCUS_",
        auto_setup: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.pool = pool
        self.sql = OracleStatements.build(table_prefix)
        self._auto_setup = auto_setup
        self._ready = False
        self._owns_pool = False
        self._setup_lock = asyncio.Lock()

    @classmethod
    def from_params(
        cls,
        *,
        user: str,
        password: str,
        dsn: str,
        min: int = 1,
        max: int = 4,
        pool_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> OracleCheckpointer:
        """Build a checkpointer owning a thin-mode async pool (closed by :meth:`aclose`).

        Args:
            user: Database user.
            password: Its password.
            dsn: Easy Connect string (``"host:1521/FREEPDB1"``) or a TNS alias.
            min: Connections kept open.
            max: Upper bound of the pool.
            pool_options: More ``oracledb.create_pool_async`` keywords (wallets...).
            **options: ``table_prefix``, ``ttl``... (see the class).
        """
        try:
            import oracledb
        except ImportError as exc:  # pragma: no cover - a dependency of this distribution
            raise ConfigError(
                "OracleCheckpointer needs python-oracledb: pip install locus-checkpoint-oracle",
                cause=exc,
            ) from exc
        pool = oracledb.create_pool_async(
            user=user, password=password, dsn=dsn, min=min, max=max, **(pool_options or {})
        )
        self = cls(pool, **options)
        self._owns_pool = True
        return self

    async def aclose(self) -> None:
        """Close the pool when this checkpointer created it."""
        if self._owns_pool:
            await self.pool.close()
        self._ready = False

    # -- setup -----------------------------------------------------------------------

    async def setup(self) -> None:
        """Create or migrate the tables (idempotent; concurrent callers serialise on a lock).

        Raises:
            locus.core.errors.CheckpointError: the tables are newer than this
                distribution understands, or the server refused.
        """
        async with self._setup_lock:
            if self._ready:
                return
            sql = self.sql
            try:
                async with self.pool.acquire() as conn:
                    cur = conn.cursor()
                    await cur.execute(sql.create_migrations)
                    await cur.execute(sql.lock_migrations)
                    await cur.execute(sql.current_version)
                    row = await cur.fetchone()
                    version = int(row[0]) if row else 0
                    if version > TABLE_SCHEMA_VERSION:
                        await conn.rollback()
                        raise CheckpointError(
                            f"the checkpoint tables {sql.table} are at schema v{version}, newer "
                            f"than this locus-checkpoint-oracle supports "
                            f"(v{TABLE_SCHEMA_VERSION}); upgrade locus-checkpoint-oracle"
                        )
                    for step, statements in enumerate(sql.ddl()):
                        if step >= version:
                            for ddl in statements:
                                await cur.execute(if_absent(ddl))
                            await cur.execute(sql.record_version, {"v": step + 1})
                    await conn.commit()
            except CheckpointError:
                raise
            except Exception as exc:
                raise CheckpointError(
                    f"Oracle checkpointer setup failed: {exc}", cause=exc
                ) from exc
            self._ready = True

    async def _conn_ready(self) -> None:
        if not self._ready:
            if self._auto_setup:
                await self.setup()
            else:
                self._ready = True

    # -- primitives ------------------------------------------------------------------

    async def _write(self, record: CheckpointRecord) -> None:
        import oracledb

        await self._conn_ready()
        sql = self.sql
        binds = {"thread_id": record.thread_id}
        try:
            async with self.pool.acquire() as conn:
                cur = conn.cursor()
                await cur.execute(sql.ensure_thread, binds)
                await cur.execute(sql.lock_thread, binds)
                await cur.execute(sql.delete_one, {**binds, "cid": record.checkpoint_id})
                cur.setinputsizes(payload=oracledb.DB_TYPE_CLOB, metadata=oracledb.DB_TYPE_CLOB)
                await cur.execute(
                    sql.insert,
                    {
                        **binds,
                        "cid": record.checkpoint_id,
                        "created_at": record.created_at,
                        "expires_at": record.expires_at,
                        "v": record.schema_version,
                        "metadata": json.dumps(record.metadata) if record.metadata else "{}",
                        "payload": record.payload,
                    },
                )
                await conn.commit()
        except Exception as exc:
            raise _wrap(exc, f"saving checkpoint {record.checkpoint_id!r}") from exc

    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        import oracledb

        await self._conn_ready()
        sql = self.sql
        binds = {"thread_id": record.thread_id}
        try:
            async with self.pool.acquire() as conn:
                cur = conn.cursor()
                await cur.execute(sql.ensure_thread, binds)
                await cur.execute(sql.lock_thread, binds)  # held until commit/rollback
                await cur.execute(sql.head, binds)
                row = await cur.fetchone()
                if (row[0] if row else None) != expected_parent:
                    await conn.rollback()
                    return False
                await cur.execute(sql.delete_one, {**binds, "cid": record.checkpoint_id})
                cur.setinputsizes(payload=oracledb.DB_TYPE_CLOB, metadata=oracledb.DB_TYPE_CLOB)
                await cur.execute(
                    sql.insert_with_parent,
                    {
                        **binds,
                        "cid": record.checkpoint_id,
                        "parent_id": expected_parent,
                        "created_at": record.created_at,
                        "expires_at": record.expires_at,
                        "v": record.schema_version,
                        "metadata": json.dumps(record.metadata) if record.metadata else "{}",
                        "payload": record.payload,
                    },
                )
                await conn.commit()
        except Exception as exc:
            raise _wrap(exc, f"saving checkpoint {record.checkpoint_id!r}") from exc
        record.parent_id = expected_parent
        return True

    async def _fetch(self, query: str, binds: dict[str, Any], one: bool) -> list[Any]:
        async with self.pool.acquire() as conn:
            cur = conn.cursor()
            cur.outputtypehandler = _clob_as_str
            await cur.execute(query, binds)
            if one:
                row = await cur.fetchone()
                return [] if row is None else [row]
            return list(await cur.fetchall())

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        await self._conn_ready()
        binds: dict[str, Any] = {"thread_id": thread_id}
        if checkpoint_id is None:
            query = self.sql.read_latest
        else:
            query, binds["cid"] = self.sql.read_one, checkpoint_id
        try:
            rows = await self._fetch(query, binds, one=True)
        except Exception as exc:
            raise _wrap(exc, f"loading thread {thread_id!r}") from exc
        return _record(rows[0]) if rows else None

    async def _read_many(
        self, thread_id: str, checkpoint_ids: Sequence[str]
    ) -> list[CheckpointRecord]:
        """The records of ``checkpoint_ids``: one ``IN (...)`` query per 500 ids."""
        ids = list(dict.fromkeys(checkpoint_ids))
        if not ids:
            return []
        await self._conn_ready()
        rows: list[Any] = []
        try:
            for i in range(0, len(ids), _IN_CHUNK):
                chunk = ids[i : i + _IN_CHUNK]
                binds: dict[str, Any] = {f"c{j}": cid for j, cid in enumerate(chunk)}
                binds["thread_id"] = thread_id
                rows += await self._fetch(self.sql.read_many(len(chunk)), binds, one=False)
        except Exception as exc:
            raise _wrap(exc, f"loading thread {thread_id!r}") from exc
        return [_record(r) for r in rows]

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        await self._conn_ready()
        binds: dict[str, Any] = {"thread_id": thread_id}
        if limit is None:
            query = self.sql.list_all
        else:
            query, binds["n"] = self.sql.list_limit, limit
        try:
            rows = await self._fetch(query, binds, one=False)
        except Exception as exc:
            raise _wrap(exc, f"listing thread {thread_id!r}") from exc
        return [
            CheckpointInfo(
                thread_id=r[0],
                checkpoint_id=r[1],
                parent_id=r[2],
                created_at=float(r[3]),
                expires_at=None if r[4] is None else float(r[4]),
                schema_version=int(r[5]),
                metadata=decode_metadata(r[6]),
            )
            for r in rows
        ]

    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        await self._conn_ready()
        sql = self.sql
        binds: dict[str, Any] = {"thread_id": thread_id}
        try:
            async with self.pool.acquire() as conn:
                cur = conn.cursor()
                deleted = 0
                if checkpoint_ids is None:
                    await cur.execute(sql.delete_thread, binds)
                    deleted = int(cur.rowcount)
                else:
                    ids = list(checkpoint_ids)
                    for i in range(0, len(ids), _IN_CHUNK):
                        chunk = ids[i : i + _IN_CHUNK]
                        chunk_binds = {f"c{j}": cid for j, cid in enumerate(chunk)}
                        await cur.execute(sql.delete_many(len(chunk)), {**binds, **chunk_binds})
                        deleted += int(cur.rowcount)
                await cur.execute(sql.delete_thread_row, binds)
                await conn.commit()
                return deleted
        except Exception as exc:
            raise _wrap(exc, f"deleting from thread {thread_id!r}") from exc

    async def _list_threads(self) -> list[str]:
        await self._conn_ready()
        try:
            rows = await self._fetch(self.sql.list_threads, {}, one=False)
        except Exception as exc:
            raise _wrap(exc, "listing threads") from exc
        return [r[0] for r in rows]


def _record(r: Any) -> CheckpointRecord:
    """A record from a row of ``COLUMNS, metadata, payload``."""
    return CheckpointRecord(
        thread_id=r[0],
        checkpoint_id=r[1],
        parent_id=r[2],
        created_at=float(r[3]),
        expires_at=None if r[4] is None else float(r[4]),
        schema_version=int(r[5]),
        metadata=decode_metadata(r[6]),
        payload=r[7],
    )


def _wrap(exc: Exception, doing: str) -> CheckpointError:
    if isinstance(exc, CheckpointError):
        return exc
    return CheckpointError(f"Oracle checkpointer failed {doing}: {exc}", cause=exc)
