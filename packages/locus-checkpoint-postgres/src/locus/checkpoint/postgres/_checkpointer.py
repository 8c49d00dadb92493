"""``PostgresCheckpointer``: one JSON row per checkpoint, psycopg 3 async pool."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any, ClassVar

from locus.checkpoint import (
    BaseCheckpointer,
    CheckpointInfo,
    CheckpointRecord,
    decode_info,
)
from locus.checkpoint._lease import ThreadLease
from locus.checkpoint.postgres._cas import CasStatements
from locus.checkpoint.postgres._net import (
    CONNECT_TIMEOUT,
    KEEPALIVES_IDLE,
    OPERATION_TIMEOUT,
    STATEMENT_TIMEOUT,
    NetOptions,
    Reachability,
    bounded_connection,
    classify,
    connection_kwargs,
)
from locus.checkpoint.postgres._rows import insert_params, row_record
from locus.checkpoint.postgres._sql import Statements
from locus.core.errors import CheckpointError, ConfigError

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

__all__ = ["TABLE_SCHEMA_VERSION", "PostgresCheckpointer"]

TABLE_SCHEMA_VERSION = 2
"""Version of the tables :meth:`PostgresCheckpointer.setup` creates."""


class PostgresCheckpointer(BaseCheckpointer):
    """Checkpoints in PostgreSQL.

    Writes of one thread are serialised with a transaction-scoped advisory
    lock, so parent links stay a chain even with many writer processes;
    compare-and-set saves check the thread's newest checkpoint under that
    lock, and thread leases (which run owns a thread) live in
    ``<prefix>leases``, shared by every process using the database.

    Args:
        pool: A ``psycopg_pool.AsyncConnectionPool`` (you own it) — or use
            :meth:`from_conn_string`, which creates and owns one.
        schema: Schema of the tables (created by :meth:`setup`); ``None`` uses
            the connection's ``search_path``.
        table_prefix: Prefix of the table names (``locus_checkpoints``,
            ``locus_migrations``).
        auto_setup: Run :meth:`setup` on first use.
        payload_type: Column type of the state when :meth:`setup` creates the
            table: ``"json"`` (default: validated JSON text, queryable with
            ``->``/``->>``, ~3x faster to write and ~5x faster to read than
            JSONB for large states) or ``"jsonb"`` (binary, GIN-indexable).
            ``metadata`` is always JSONB.
        operation_timeout: Seconds one call (pool wait, statements) may take
            end to end before :class:`~locus.core.errors.CheckpointTimeoutError`
            (``None``: unbounded). :meth:`from_conn_string` also sets connect
            and statement timeouts and TCP keepalives; see ``docs/limits.md``.
        ttl: Seconds a checkpoint stays readable (``None``: forever).
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "postgres"
    assigns_parent: ClassVar[bool] = True
    concurrent_writers: ClassVar[bool] = True
    shared_leases: ClassVar[bool] = True

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        *,
        schema: str | None = None,
        table_prefix: str = "locus_",
        auto_setup: bool = True,
        payload_type: str = "json",
        operation_timeout: float | None = OPERATION_TIMEOUT,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.pool = pool
        self.net = NetOptions(operation_timeout=operation_timeout)
        self._reach = Reachability(None)
        self._check = True
        self.schema = schema
        self.sql = Statements.build(schema, table_prefix, payload_type)
        self.cas = CasStatements.build(self.sql)
        self._auto_setup = auto_setup
        self._ready = False
        self._owns_pool = False
        self._setup_lock = asyncio.Lock()

    @classmethod
    def from_conn_string(
        cls,
        conninfo: str,
        *,
        min_size: int = 1,
        max_size: int = 10,
        connect_timeout: float | None = CONNECT_TIMEOUT,
        statement_timeout: float | None = STATEMENT_TIMEOUT,
        operation_timeout: float | None = OPERATION_TIMEOUT,
        keepalives_idle: int = KEEPALIVES_IDLE,
        check_connections: bool = True,
        **options: Any,
    ) -> PostgresCheckpointer:
        """Build a checkpointer owning a pool on ``conninfo`` (closed by :meth:`aclose`).

        Every bound is in seconds and also settable in ``conninfo``
        (``?connect_timeout=10``), where it wins. Expiries raise
        :class:`~locus.core.errors.CheckpointTimeoutError`; a refused or reset
        connection :class:`~locus.core.errors.CheckpointConnectionError`.

        Args:
            conninfo: libpq URL or key/value string
                (``"postgresql://postgres@127.0.0.1:5432/test"``).
            min_size: Connections kept open.
            max_size: Upper bound of the pool.
            connect_timeout: Opening one connection (libpq ``connect_timeout``).
            statement_timeout: One statement, enforced by the server.
            operation_timeout: One checkpointer call end to end, pool wait included.
            keepalives_idle: Idle seconds before TCP keepalive probes (every
                ``keepalives_idle / 3`` s, 3 tries) detect a dead peer.
            check_connections: Check a pooled connection before handing it out,
                so one killed by a network fault is replaced instead of failing
                the call: an empty query (one round trip), or a zero-wait poll of
                its socket when it served a call less than 2 s ago.
            **options: ``schema``, ``table_prefix``, ``ttl``... (see the class).

        Raises:
            locus.core.errors.ValidationError: a bound is not positive.
        """
        try:
            from psycopg_pool import AsyncConnectionPool
        except ImportError as exc:  # pragma: no cover - a dependency of this distribution
            raise ConfigError(
                "PostgresCheckpointer needs psycopg-pool: pip install locus-checkpoint-postgres",
                cause=exc,
            ) from exc
        net = NetOptions(connect_timeout, statement_timeout, operation_timeout, keepalives_idle)
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            open=False,
            # autocommit: reads are single statements; writes open a transaction
            kwargs=connection_kwargs(conninfo, net),
            timeout=operation_timeout or 30.0,
        )
        self = cls(pool, operation_timeout=operation_timeout, **options)
        self.net = net
        self._check = check_connections
        self._reach = Reachability(conninfo)
        self._owns_pool = True
        return self

    def _connection(self, doing: str) -> AbstractAsyncContextManager[Any]:
        """A pooled connection for one operation, bounded and with typed errors."""
        return bounded_connection(self.pool, self._reach, self.net, doing, check=self._check)

    # -- setup -------------------------------------------------------------------

    async def setup(self) -> None:
        """Create or migrate the tables (idempotent, safe with concurrent callers).

        Raises:
            locus.core.errors.CheckpointError: the tables are newer than this
                distribution understands, or the server refused.
        """
        async with self._setup_lock:
            if self._ready:
                return
            await self._open()
            sql = self.sql
            try:
                async with (
                    self._connection("setting up the checkpoint tables") as conn,
                    conn.transaction(),
                ):
                    await conn.execute(sql.advisory_lock, (sql.lock_key,))
                    if self.schema:
                        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                    await conn.execute(sql.create_migrations)
                    cur = await conn.execute(sql.current_version)
                    row = await cur.fetchone()
                    version = int(row[0]) if row else 0
                    if version > TABLE_SCHEMA_VERSION:
                        raise CheckpointError(
                            f"the checkpoint tables {sql.table} are at schema v{version}, newer "
                            f"than this locus-checkpoint-postgres supports "
                            f"(v{TABLE_SCHEMA_VERSION}); upgrade locus-checkpoint-postgres"
                        )
                    for step, ddl in enumerate([*sql.migrations(), self.cas.migration()]):
                        if step >= version:
                            await conn.execute(ddl.encode())
                            await conn.execute(sql.record_version, (step + 1,))
                            if step == 0:
                                await _try(conn, sql.lz4_payload)
            except CheckpointError:
                raise
            except Exception as exc:
                raise CheckpointError(
                    f"PostgreSQL checkpointer setup failed: {exc}", cause=exc
                ) from exc
            self._ready = True

    async def _open(self) -> None:
        if self._owns_pool and self.pool.closed:
            await self.pool.open(wait=False)

    async def _conn_ready(self) -> None:
        if not self._ready:
            if self._auto_setup:
                await self.setup()
            else:
                await self._open()
                self._ready = True

    async def aclose(self) -> None:
        """Close the pool when this checkpointer created it."""
        if self._owns_pool and not self.pool.closed:
            await self.pool.close()
        self._ready = False

    # -- primitives -----------------------------------------------------------------

    async def _write(self, record: CheckpointRecord) -> None:
        await self._conn_ready()
        doing = f"saving checkpoint {record.checkpoint_id!r} of {record.thread_id!r}"
        try:
            # one round trip: the statements before the pipeline's Sync run as one
            # implicit transaction (the lock is held until the insert commits)
            async with self._connection(doing) as conn, conn.pipeline():
                await conn.execute(self.sql.advisory_lock, (record.thread_id,))
                await conn.execute(self.sql.insert, insert_params(record))
        except Exception as exc:
            raise _wrap(exc, doing) from exc

    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        await self._conn_ready()
        doing = f"saving checkpoint {record.checkpoint_id!r} of {record.thread_id!r}"
        try:
            async with self._connection(doing) as conn:
                async with conn.pipeline():  # one round trip, one implicit transaction
                    await conn.execute(self.sql.advisory_lock, (record.thread_id,))
                    params = {**insert_params(record), "p": expected_parent}
                    cur = await conn.execute(self.cas.insert_if_head, params)
                written = bool(cur.rowcount == 1)
        except Exception as exc:
            raise _wrap(exc, doing) from exc
        if written:
            record.parent_id = expected_parent
        return written

    async def _lease(self, query: str, args: dict[str, Any], doing: str) -> Any:
        await self._conn_ready()
        try:
            async with self._connection(f"{doing} the lease of thread {args['t']!r}") as conn:
                cur = await conn.execute(query, args)
                return cur.rowcount, (await cur.fetchone() if cur.description else None)
        except Exception as exc:
            raise _wrap(exc, f"{doing} the lease of thread {args['t']!r}") from exc

    async def _lease_acquire(self, lease: ThreadLease) -> ThreadLease | None:
        args = {"t": lease.thread_id, "o": lease.owner, "e": lease.expires_at}
        for _ in range(5):
            _, row = await self._lease(self.cas.acquire, {**args, "now": time.time()}, "taking")
            if row[0]:
                return None
            if row[1] is not None:
                return ThreadLease(lease.thread_id, row[1], float(row[2]), row[3])
            # another run took it after this statement's snapshot was taken: ask again
        return ThreadLease(lease.thread_id, "", time.time() + 1)  # pragma: no cover - churn

    async def _lease_renew(
        self, thread_id: str, owner: str, expires_at: float
    ) -> ThreadLease | None:
        args = {"t": thread_id, "o": owner, "e": expires_at}
        _, row = await self._lease(self.cas.renew, args, "renewing")
        return None if row is None else ThreadLease(thread_id, owner, expires_at, row[0])

    async def _lease_stop(self, thread_id: str, owner: str, mode: str) -> bool:
        args = {"t": thread_id, "o": owner, "mode": mode, "now": time.time()}
        count, _ = await self._lease(self.cas.stop, args, "stopping")
        return bool(count)

    async def _lease_release(self, thread_id: str, owner: str) -> None:
        await self._lease(self.cas.release, {"t": thread_id, "o": owner}, "releasing")

    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        await self._conn_ready()
        args: tuple[str, ...]
        if checkpoint_id is None:
            query, args = self.sql.read_latest, (thread_id,)
        else:
            query, args = self.sql.read_one, (thread_id, checkpoint_id)
        try:
            async with self._connection(f"loading thread {thread_id!r}") as conn:
                cur = await conn.execute(query, args)
                row = await cur.fetchone()
        except Exception as exc:
            raise _wrap(exc, f"loading thread {thread_id!r}") from exc
        return None if row is None else row_record(thread_id, row)

    async def _read_many(
        self, thread_id: str, checkpoint_ids: Sequence[str]
    ) -> list[CheckpointRecord]:
        """The records of ``checkpoint_ids`` in one statement (``checkpoint_id = ANY(...)``)."""
        if not checkpoint_ids:
            return []
        await self._conn_ready()
        try:
            async with self._connection(f"loading thread {thread_id!r}") as conn:
                cur = await conn.execute(self.sql.read_many, (thread_id, list(checkpoint_ids)))
                rows = await cur.fetchall()
        except Exception as exc:
            raise _wrap(exc, f"loading thread {thread_id!r}") from exc
        return [row_record(thread_id, row) for row in rows]

    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        await self._conn_ready()
        try:
            async with self._connection(f"listing thread {thread_id!r}") as conn:
                cur = await conn.execute(self.sql.list, (thread_id, limit))
                rows = await cur.fetchall()
        except Exception as exc:
            raise _wrap(exc, f"listing thread {thread_id!r}") from exc
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
        await self._conn_ready()
        try:
            async with self._connection(f"deleting from thread {thread_id!r}") as conn:
                if checkpoint_ids is None:
                    cur = await conn.execute(self.sql.delete_thread, (thread_id,))
                else:
                    cur = await conn.execute(
                        self.sql.delete_many, (thread_id, list(checkpoint_ids))
                    )
                return int(cur.rowcount)
        except Exception as exc:
            raise _wrap(exc, f"deleting from thread {thread_id!r}") from exc

    async def _list_threads(self) -> list[str]:
        await self._conn_ready()
        try:
            async with self._connection("listing threads") as conn:
                cur = await conn.execute(self.sql.threads)
                return [r[0] for r in await cur.fetchall()]
        except Exception as exc:
            raise _wrap(exc, "listing threads") from exc


async def _try(conn: Any, statement: str) -> None:
    """Run an optional statement in a savepoint; a failure leaves the transaction usable."""
    try:
        async with conn.transaction():
            await conn.execute(statement)
    except Exception:  # optional optimisation: old server or no lz4
        pass


def _wrap(exc: Exception, doing: str) -> CheckpointError:
    return classify(exc, doing, NetOptions())
