"""``PgVectorStore``: PostgreSQL with the pgvector extension (HNSW or IVFFlat index).

Needs ``psycopg`` 3 and ``psycopg-pool`` (``pip install 'locus-rag[pgvector]'``)
and a server where ``CREATE EXTENSION vector`` works. Vectors travel as
pgvector's text form cast to ``vector``, so no extra Python package is needed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from locus.core.errors import ConfigError, ValidationError, VectorStoreError
from locus.rag.stores._flat import check_ids
from locus.rag.stores._pgsql import create_statements, ident, search_sql, vector_literal, where_sql
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["PgVectorStore", "from_url"]

_UPSERT = (
    "ON CONFLICT (id) DO UPDATE SET content = EXCLUDED.content, metadata = EXCLUDED.metadata, "
    "embedding = EXCLUDED.embedding, created_at = EXCLUDED.created_at, "
    "content_type = EXCLUDED.content_type"
)


class PgVectorStore(BaseVectorStore):
    """A pgvector table as a vector store.

    Args:
        dsn: ``postgresql://user@host:5432/db``.
        table: Table name; created (with its index) on first add.
        schema: Schema name; created when missing.
        dimension: Vector size; ``None`` takes it from the first add.
        distance_metric: ``cosine``, ``dot`` or ``l2``.
        index_type: ``hnsw`` (default), ``ivfflat`` or ``flat`` (no index: exact).
        hnsw_m: HNSW graph degree.
        hnsw_ef_construction: HNSW build-time candidate list.
        ivf_lists: IVFFlat list count.
        max_pool_size: Connections in the pool.

    Raises:
        ConfigError: psycopg or psycopg-pool is not installed.
    """

    def __init__(
        self,
        dsn: str,
        *,
        table: str = "locus_vectors",
        schema: str = "public",
        dimension: int | None = None,
        distance_metric: str = "cosine",
        index_type: str = "hnsw",
        hnsw_m: int = 16,
        hnsw_ef_construction: int = 64,
        ivf_lists: int = 100,
        max_pool_size: int = 4,
    ) -> None:
        ident(table)
        ident(schema)
        super().__init__(
            dimension=dimension, distance_metric=distance_metric, index_type=index_type
        )
        try:
            from psycopg_pool import AsyncConnectionPool
        except ImportError as exc:
            raise ConfigError(
                "PgVectorStore needs psycopg and psycopg-pool: pip install 'locus-rag[pgvector]'"
            ) from exc
        self.dsn, self.table, self.schema = dsn, table, schema
        self._index_options = {
            "hnsw_m": hnsw_m,
            "hnsw_ef_construction": hnsw_ef_construction,
            "ivf_lists": ivf_lists,
        }
        self._pool: Any = AsyncConnectionPool(dsn, min_size=1, max_size=max_pool_size, open=False)
        self._opened = False
        self._ready = False

    def __repr__(self) -> str:
        return f"PgVectorStore(table={self.schema}.{self.table})"

    @property
    def _t(self) -> str:
        return f"{ident(self.schema)}.{ident(self.table)}"

    async def _execute(self, sql: str, params: Sequence[Any] = (), *, fetch: bool = False) -> Any:
        return (await self._transaction([(sql, params)], fetch=fetch))[0]

    async def _transaction(
        self, statements: Sequence[tuple[str, Sequence[Any]]], *, fetch: bool = False
    ) -> list[Any]:
        """Run ``statements`` in one transaction; each one's rows (``fetch``) or rowcount."""
        try:
            if not self._opened:
                await self._pool.open(wait=True, timeout=10)
                self._opened = True
            out: list[Any] = []
            async with self._pool.connection() as conn, conn.transaction():
                for sql, params in statements:
                    cur = await conn.execute(sql, params)
                    out.append(await cur.fetchall() if fetch else cur.rowcount)
            return out
        except (ValidationError, ConfigError):
            raise
        except Exception as exc:
            raise VectorStoreError(
                f"pgvector store {self.schema}.{self.table} failed: {exc}", cause=exc
            ) from exc

    async def _exists(self) -> bool:
        if self._ready:
            return True
        rows = await self._execute(
            "SELECT a.atttypmod FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid "
            "JOIN pg_namespace n ON c.relnamespace = n.oid "
            "WHERE n.nspname = %s AND c.relname = %s AND a.attname = 'embedding'",
            [self.schema, self.table],
            fetch=True,
        )
        if rows:
            self._check_dimension(int(rows[0][0]), fix=True)
            self._ready = True
        return self._ready

    async def _setup(self, dimension: int) -> None:
        if await self._exists():
            return
        for statement in create_statements(
            self.schema,
            self.table,
            dimension,
            self.config.distance_metric,
            self.config.index_type,
            **self._index_options,
        ):
            try:
                await self._execute(statement)
            except VectorStoreError as exc:
                if "vector" in statement and "EXTENSION" in statement:
                    raise VectorStoreError(
                        "the pgvector extension is not available on this server "
                        "(CREATE EXTENSION vector failed); install pgvector on the server "
                        "or use another store",
                        cause=exc,
                    ) from exc
                raise
        self._ready = True

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Upsert ``documents`` in one statement; return their ids."""
        matrix = self._vectors(documents)
        if not len(documents):
            return []
        try:
            metas = [json.dumps(d.metadata, allow_nan=False) for d in documents]
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"metadata must be JSON-compatible: {exc}", cause=exc) from exc
        await self._setup(matrix.shape[1])
        statements = []
        # 500 rows x 6 parameters per statement: under PostgreSQL's 65,535 limit
        for start in range(0, len(documents), 500):
            batch = range(start, min(start + 500, len(documents)))
            params: list[Any] = []
            for i in batch:
                d = documents[i]
                params += [
                    d.id,
                    d.content,
                    metas[i],
                    vector_literal(matrix[i]),
                    d.created_at,
                    d.content_type,
                ]
            rows = ", ".join(["(%s, %s, %s::jsonb, %s::vector, %s, %s)"] * len(batch))
            statements.append((f"INSERT INTO {self._t} VALUES {rows} {_UPSERT}", params))
        await self._transaction(statements)
        return [d.id for d in documents]

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The nearest documents matching ``filter``, best first."""
        query = self._query(embedding, limit)
        sql, params = search_sql(
            self.schema, self.table, self.config.distance_metric, query.tolist(), limit, filter
        )
        if not await self._exists():
            return []
        rows = await self._execute(sql, params, fetch=True)
        out = []
        for r in rows:
            d = float(r[5])
            score = {"cosine": 1.0 - d, "dot": -d, "l2": 1.0 / (1.0 + d)}[
                self.config.distance_metric
            ]
            out.append(SearchResult(Document(r[0], r[1], None, r[2], r[3], r[4]), score, d))
        return out

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        wanted = check_ids(ids)
        if not wanted or not await self._exists():
            return []
        rows = await self._execute(
            f"SELECT id, content, metadata, created_at, content_type, embedding::text "
            f"FROM {self._t} WHERE id = ANY(%s)",
            [wanted],
            fetch=True,
        )
        by_id = {r[0]: Document(r[0], r[1], json.loads(r[5]), r[2], r[3], r[4]) for r in rows}
        return [by_id[i] for i in wanted if i in by_id]

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter in one statement; return how many."""
        if ids is None and filter is None:
            raise ValidationError(
                "delete() needs ids or a filter; use clear() to delete everything"
            )
        where, params = where_sql(filter)
        if ids is not None:
            where += " AND id = ANY(%s)"
            params.append(check_ids(ids))
        if not await self._exists():
            return 0
        return int(await self._execute(f"DELETE FROM {self._t} WHERE {where}", params))

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        where, params = where_sql(filter)
        if not await self._exists():
            return 0
        rows = await self._execute(
            f"SELECT count(*) FROM {self._t} WHERE {where}", params, fetch=True
        )
        return int(rows[0][0])

    async def clear(self) -> None:
        """Delete every document (the table and its index stay)."""
        if await self._exists():
            await self._execute(f"DELETE FROM {self._t}")

    async def close(self) -> None:
        """Close the connection pool."""
        if self._opened:
            await self._pool.close()
            self._opened = False


def from_url(url: str, **options: Any) -> PgVectorStore:
    """Factory for ``pgvector://user@host:5432/db`` (a PostgreSQL DSN under another scheme)."""
    return PgVectorStore("postgresql://" + url.split("://", 1)[1], **options)
