"""``OracleVectorStore``: Oracle Database 23ai / 26ai AI Vector Search (python-oracledb).

Needs ``oracledb`` (``pip install 'locus-rag[oracle]'``). Vectors are bound
as ``array.array("f")`` (``VECTOR(n, FLOAT32)``), metadata is a native JSON
column, and the vector index is an in-memory neighbour graph (HNSW) or
neighbour partitions (IVF).
"""

from __future__ import annotations

import array
import json
from collections.abc import Sequence
from typing import Any

from locus.core.errors import ConfigError, ValidationError, VectorStoreError
from locus.rag.stores._flat import check_ids
from locus.rag.stores._oraclesql import create_statements, search_sql, table_name, where_sql
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["OracleVectorStore", "from_url"]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value) if value is not None else ""


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    return dict(json.loads(value)) if value else {}


class OracleVectorStore(BaseVectorStore):
    """An Oracle table with a ``VECTOR`` column as a vector store.

    Args:
        dsn: ``host:1521/service`` or a TNS alias.
        user: Database user.
        password: Its password.
        table: Table name; created with its vector index on first add.
        dimension: Vector size; ``None`` takes it from the first add.
        distance_metric: ``cosine``, ``dot`` or ``l2`` (``EUCLIDEAN``).
        index_type: ``hnsw`` (default), ``ivf`` or ``flat`` (exact, no index).
        target_accuracy: The vector index's target accuracy, percent.
        pool: An existing ``oracledb`` async pool (you own it).
        **pool_options: More ``oracledb.create_pool_async`` keywords (wallets...).

    Raises:
        ConfigError: oracledb is not installed.
    """

    def __init__(
        self,
        dsn: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        table: str = "locus_vectors",
        dimension: int | None = None,
        distance_metric: str = "cosine",
        index_type: str = "hnsw",
        target_accuracy: int = 95,
        pool: Any = None,
        **pool_options: Any,
    ) -> None:
        super().__init__(
            dimension=dimension, distance_metric=distance_metric, index_type=index_type
        )
        self.table = table_name(table)
        self.target_accuracy = target_accuracy
        if pool is None:
            try:
                import oracledb
            except ImportError as exc:
                raise ConfigError(
                    "OracleVectorStore needs oracledb: pip install 'locus-rag[oracle]'"
                ) from exc
            pool = oracledb.create_pool_async(
                user=user, password=password, dsn=dsn, min=1, max=4, **pool_options
            )
        self.pool = pool
        self._ready = False

    def __repr__(self) -> str:
        return f"OracleVectorStore(table={self.table!r})"

    async def _run(
        self, statements: Sequence[tuple[str, Any]], *, fetch: bool = False, many: bool = False
    ) -> list[Any]:
        """Run ``statements`` in one transaction; rows (``fetch``) or rowcounts."""
        out: list[Any] = []
        try:
            async with self.pool.acquire() as conn:
                cursor = conn.cursor()
                try:
                    for sql, binds in statements:
                        if many:
                            await cursor.executemany(sql, binds)
                        else:
                            await cursor.execute(sql, binds)
                        out.append(await cursor.fetchall() if fetch else cursor.rowcount)
                    if not fetch:
                        await conn.commit()
                except BaseException:
                    await conn.rollback()
                    raise
        except (ValidationError, ConfigError):
            raise
        except Exception as exc:
            raise VectorStoreError(f"Oracle vector table {self.table}: {exc}", cause=exc) from exc
        return out

    async def _exists(self) -> bool:
        if self._ready:
            return True
        (rows,) = await self._run(
            [
                (
                    "SELECT COUNT(*) FROM user_tab_columns "
                    "WHERE table_name = :t AND column_name = 'EMBEDDING'",
                    {"t": self.table},
                )
            ],
            fetch=True,
        )
        if rows and rows[0][0]:
            dims = await self._run(
                [
                    (
                        f"SELECT VECTOR_DIMENSION_COUNT(embedding) FROM {self.table} "
                        "FETCH FIRST 1 ROWS ONLY",
                        {},
                    )
                ],
                fetch=True,
            )
            if dims[0]:
                self._check_dimension(int(dims[0][0][0]), fix=True)
            self._ready = True
        return self._ready

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Upsert ``documents`` with one ``MERGE`` (``executemany``) in one transaction."""
        matrix = self._vectors(documents)
        if not len(documents):
            return []
        try:
            metas = [json.dumps(d.metadata, allow_nan=False) for d in documents]
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"metadata must be JSON-compatible: {exc}", cause=exc) from exc
        if not self._ready:
            ddl = create_statements(
                self.table,
                matrix.shape[1],
                self.config.distance_metric,
                self.config.index_type,
                target_accuracy=self.target_accuracy,
            )
            await self._run([(sql, {}) for sql in ddl])
            self._ready = True
        rows = [
            {
                "id": d.id,
                "content": d.content,
                "metadata": meta,
                "embedding": array.array("f", row.tolist()),
                "created_at": d.created_at,
                "content_type": d.content_type,
            }
            for d, meta, row in zip(documents, metas, matrix, strict=True)
        ]
        await self._run([(_MERGE.format(t=self.table), rows)], many=True)
        return [d.id for d in documents]

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The nearest documents matching ``filter``, best first."""
        query = self._query(embedding, limit)
        sql, binds = search_sql(
            self.table, self.config.distance_metric, self.config.index_type, limit, filter
        )
        if not await self._exists():
            return []
        binds["query"] = array.array("f", query.tolist())
        (rows,) = await self._run([(sql, binds)], fetch=True)
        out = []
        for r in rows:
            d = float(r[5])
            score = {"cosine": 1.0 - d, "dot": -d, "l2": 1.0 / (1.0 + d)}[
                self.config.distance_metric
            ]
            doc = Document(str(r[0]), _text(r[1]), None, _json(r[2]), float(r[3]), str(r[4]))
            out.append(SearchResult(doc, score, d))
        return out

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        wanted = check_ids(ids)
        if not wanted or not await self._exists():
            return []
        binds = {f"i{n}": v for n, v in enumerate(wanted)}
        marks = ", ".join(f":{k}" for k in binds)
        (rows,) = await self._run(
            [
                (
                    "SELECT id, content, metadata, created_at, content_type, embedding "
                    f"FROM {self.table} WHERE id IN ({marks})",
                    binds,
                )
            ],
            fetch=True,
        )
        by_id = {
            str(r[0]): Document(
                str(r[0]), _text(r[1]), list(r[5]), _json(r[2]), float(r[3]), str(r[4])
            )
            for r in rows
        }
        return [by_id[i] for i in wanted if i in by_id]

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter in one statement; return how many."""
        if ids is None and filter is None:
            raise ValidationError(
                "delete() needs ids or a filter; use clear() to delete everything"
            )
        where, binds = where_sql(filter)
        if ids is not None:
            id_binds = {f"i{n}": v for n, v in enumerate(check_ids(ids))}
            if not id_binds:
                return 0
            where += " AND id IN (" + ", ".join(f":{k}" for k in id_binds) + ")"
            binds.update(id_binds)
        if not await self._exists():
            return 0
        (count,) = await self._run([(f"DELETE FROM {self.table} WHERE {where}", binds)])
        return int(count)

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        where, binds = where_sql(filter)
        if not await self._exists():
            return 0
        (rows,) = await self._run(
            [(f"SELECT COUNT(*) FROM {self.table} WHERE {where}", binds)], fetch=True
        )
        return int(rows[0][0])

    async def clear(self) -> None:
        """Delete every document (the table and its index stay)."""
        if await self._exists():
            await self._run([(f"DELETE FROM {self.table}", {})])

    async def close(self) -> None:
        """Close the pool."""
        await self.pool.close()


_MERGE = (
    "MERGE INTO {t} d USING (SELECT :id AS id FROM dual) s ON (d.id = s.id) "
    "WHEN MATCHED THEN UPDATE SET d.content = :content, d.metadata = JSON(:metadata), "
    "d.embedding = :embedding, d.created_at = :created_at, d.content_type = :content_type "
    "WHEN NOT MATCHED THEN INSERT (id, content, metadata, embedding, created_at, content_type) "
    "VALUES (:id, :content, JSON(:metadata), :embedding, :created_at, :content_type)"
)


def from_url(url: str, **options: Any) -> OracleVectorStore:
    """Factory for ``oracle-vector://user:password@host:1521/service``."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return OracleVectorStore(
        f"{parts.hostname}{port}{parts.path}",
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        **options,
    )
