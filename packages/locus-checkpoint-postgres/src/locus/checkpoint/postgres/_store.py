"""``PostgresStore``: the cross-thread :class:`~locus.memory.BaseStore` in PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from locus.checkpoint.postgres._sql import check_ident
from locus.core.errors import ConfigError
from locus.memory.store import BaseStore, Namespace, StoreCapabilities, StoreError, StoreItem

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

__all__ = ["PostgresStore"]

_COLUMNS = "namespace, key, value, metadata, created_at, updated_at, version, expires_at"
_LIVE = "(expires_at IS NULL OR expires_at > clock_timestamp())"


class PostgresStore(BaseStore):
    """Items in one PostgreSQL table (``namespace text[]`` + ``key`` primary key, JSONB values).

    Search runs in the database: the namespace prefix is an array-slice
    comparison, ``query`` a case-insensitive ``ILIKE`` on the value's JSON
    text, ``filter`` an equality per top-level field; expired rows are
    invisible and removed by :meth:`vacuum`.

    Args:
        pool: A ``psycopg_pool.AsyncConnectionPool`` (you own it) — or use
            :meth:`from_conn_string`, which creates and owns one.
        schema: Schema of the table (created by :meth:`setup`); ``None`` uses
            the connection's ``search_path``.
        table_prefix: Prefix of the table name (``<prefix>store``).
        auto_setup: Create the table on first use.
    """

    backend_name: ClassVar[str] = "postgres"

    def __init__(
        self,
        pool: AsyncConnectionPool[Any],
        *,
        schema: str | None = None,
        table_prefix: str = "locus_",
        auto_setup: bool = True,
    ) -> None:
        check_ident(table_prefix, "table_prefix")
        qual = f'"{check_ident(schema, "schema")}".' if schema else ""
        self.pool = pool
        self.schema = schema
        self.table = f'{qual}"{table_prefix}store"'
        self._auto_setup = auto_setup
        self._owns_pool = False
        self._ready = False
        self._lock = asyncio.Lock()

    @classmethod
    def from_conn_string(
        cls, conninfo: str, *, min_size: int = 1, max_size: int = 10, **options: Any
    ) -> PostgresStore:
        """A store owning a pool on ``conninfo`` (closed by :meth:`close`)."""
        try:
            from psycopg_pool import AsyncConnectionPool
        except ImportError as exc:  # pragma: no cover - a dependency of this distribution
            raise ConfigError(
                "PostgresStore needs psycopg-pool: pip install locus-checkpoint-postgres",
                cause=exc,
            ) from exc
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, open=False, kwargs={"autocommit": True}
        )
        store = cls(pool, **options)
        store._owns_pool = True
        return store

    @property
    def capabilities(self) -> StoreCapabilities:
        """Search, TTL, namespace listing, transactions."""
        return StoreCapabilities(search=True, ttl=True, list_namespaces=True, transactions=True)

    async def setup(self) -> None:
        """Create the schema, table and indexes (idempotent)."""
        async with self._lock:
            if self._ready:
                return
            if self._owns_pool and self.pool.closed:
                await self.pool.open(wait=False)
            try:
                async with self.pool.connection() as conn, conn.transaction():
                    await conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.table,))
                    if self.schema:
                        await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                    await conn.execute(
                        f"CREATE TABLE IF NOT EXISTS {self.table} ("
                        "namespace text[] NOT NULL, key text NOT NULL, value jsonb, "
                        "metadata jsonb NOT NULL DEFAULT '{}', "
                        "created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, "
                        "version integer NOT NULL DEFAULT 1, expires_at timestamptz, "
                        "PRIMARY KEY (namespace, key))"
                    )
                    name = self.table.split(".")[-1].strip('"')
                    await conn.execute(
                        f'CREATE INDEX IF NOT EXISTS "{name}_updated" '
                        f"ON {self.table} (updated_at DESC)"
                    )
            except Exception as exc:
                raise StoreError(f"PostgreSQL store setup failed: {exc}", cause=exc) from exc
            self._ready = True

    async def close(self) -> None:
        """Close the pool when this store created it."""
        if self._owns_pool and not self.pool.closed:
            await self.pool.close()
        self._ready = False

    async def vacuum(self) -> int:
        """Delete expired rows; how many."""
        rows = await self._fetch(f"DELETE FROM {self.table} WHERE NOT {_LIVE} RETURNING key", ())
        return len(rows)

    async def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        if not self._ready:
            if self._auto_setup:
                await self.setup()
            elif self._owns_pool and self.pool.closed:
                await self.pool.open(wait=False)
        try:
            async with self.pool.connection() as conn:
                cur = await conn.execute(sql.encode(), params)
                return list(await cur.fetchall()) if cur.description else []
        except Exception as exc:
            raise StoreError(f"PostgreSQL store query failed: {exc}", cause=exc) from exc

    async def _put(
        self,
        namespace: Namespace,
        key: str,
        value: Any,
        metadata: dict[str, Any],
        expires_at: datetime | None,
    ) -> StoreItem:
        t = self.table
        rows = await self._fetch(
            f"INSERT INTO {t} AS s ({_COLUMNS}) "
            "VALUES (%s, %s, %s::jsonb, %s::jsonb, clock_timestamp(), clock_timestamp(), 1, %s) "
            "ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value, "
            "metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at, "
            "expires_at = EXCLUDED.expires_at, "
            "created_at = CASE WHEN s.expires_at <= clock_timestamp() "
            "THEN EXCLUDED.created_at ELSE s.created_at END, "
            "version = CASE WHEN s.expires_at <= clock_timestamp() THEN 1 ELSE s.version + 1 END "
            f"RETURNING {_COLUMNS}",
            (list(namespace), key, json.dumps(value), json.dumps(metadata), expires_at),
        )
        return _item(rows[0])

    async def _get(self, namespace: Namespace, key: str) -> StoreItem | None:
        rows = await self._fetch(
            f"SELECT {_COLUMNS} FROM {self.table} WHERE namespace = %s AND key = %s AND {_LIVE}",
            (list(namespace), key),
        )
        return _item(rows[0]) if rows else None

    async def _delete(self, namespace: Namespace, key: str) -> bool:
        rows = await self._fetch(
            f"DELETE FROM {self.table} WHERE namespace = %s AND key = %s RETURNING {_LIVE}",
            (list(namespace), key),
        )
        return bool(rows and rows[0][0])

    async def _search(
        self,
        prefix: Namespace,
        query: str | None,
        filter: Mapping[str, Any] | None,
        limit: int | None,
        offset: int,
    ) -> list[StoreItem]:
        where, params = _prefix_clause(prefix)
        if query:
            escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            where.append("value::text ILIKE %s")
            params.append(f"%{escaped}%")
        for name, wanted in (filter or {}).items():
            where.append("value -> %s = %s::jsonb")
            params += [name, json.dumps(wanted)]
        sql = (
            f"SELECT {_COLUMNS} FROM {self.table} WHERE {' AND '.join(where)} "
            "ORDER BY updated_at DESC, namespace DESC, key DESC"
        )
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        if offset:
            sql += " OFFSET %s"
            params.append(offset)
        return [_item(row) for row in await self._fetch(sql, tuple(params))]

    async def _list_namespaces(self, prefix: Namespace) -> list[Namespace]:
        where, params = _prefix_clause(prefix)
        rows = await self._fetch(
            f"SELECT DISTINCT namespace FROM {self.table} WHERE {' AND '.join(where)}",
            tuple(params),
        )
        return sorted(tuple(row[0]) for row in rows)


def _prefix_clause(prefix: Namespace) -> tuple[list[str], list[Any]]:
    where = [_LIVE]
    params: list[Any] = []
    if prefix:
        where.append("namespace[1:%s] = %s")
        params += [len(prefix), list(prefix)]
    return where, params


def _item(row: tuple[Any, ...]) -> StoreItem:
    namespace, key, value, metadata, created, updated, version, expires = row
    return StoreItem(
        namespace=tuple(namespace),
        key=key,
        value=value,
        metadata=dict(metadata or {}),
        created_at=created,
        updated_at=updated,
        version=int(version),
        expires_at=expires,
    )
