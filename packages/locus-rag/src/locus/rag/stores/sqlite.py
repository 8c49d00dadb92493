"""``SQLiteVectorStore``: documents and vectors persisted in one SQLite file.

Vectors are stored as float32 blobs next to the text and JSON metadata.
Search is exact: the file's vectors are mirrored in a numpy matrix, loaded
on first use and kept in step with this store's writes; a commit by another
connection (seen through ``PRAGMA data_version``) makes the next read reload
the mirror. No SQLite extension is needed: the stdlib ``sqlite3`` of many
Python builds (pyenv's among them) cannot load extensions such as sqlite-vec.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import numpy as np

from locus.core.errors import ValidationError, VectorStoreError
from locus.rag.stores._filters import check_filter
from locus.rag.stores._flat import FlatIndex, check_ids, normalise, select_ids
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["SQLiteVectorStore", "from_url"]

T = TypeVar("T")
_IDENT = "abcdefghijklmnopqrstuvwxyz0123456789_"


class SQLiteVectorStore(BaseVectorStore):
    """A persistent vector store in one SQLite file (WAL mode).

    Args:
        path: The database file (created if missing), or ``":memory:"``.
        table: Table name (letters, digits, ``_``); several stores can share a file.
        dimension: Vector size; ``None`` takes it from the file or the first add.
        distance_metric: ``cosine`` (default), ``dot`` or ``l2``; fixed when the
            table is created.

    Raises:
        ValidationError: Bad table name, or a metric/dimension that disagrees
            with the existing table.
        VectorStoreError: The file cannot be opened.
    """

    def __init__(
        self,
        path: str | Path = "locus_vectors.db",
        *,
        table: str = "locus_vectors",
        dimension: int | None = None,
        distance_metric: str = "cosine",
    ) -> None:
        if not table or not set(table.lower()) <= set(_IDENT) or table[0].isdigit():
            raise ValidationError(f"table must be letters, digits and '_', got {table!r}")
        super().__init__(dimension=dimension, distance_metric=distance_metric, index_type="flat")
        self.path = str(path)
        self.table = table
        self._lock = threading.Lock()
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")
            self._setup()
        except sqlite3.Error as exc:
            raise VectorStoreError(
                f"cannot open the SQLite vector store at {self.path!r}: {exc}", cause=exc
            ) from exc
        self._index = FlatIndex(distance_metric)
        self._version: int | None = None  # data_version the mirror reflects

    def __repr__(self) -> str:
        return f"SQLiteVectorStore(path={self.path!r}, table={self.table!r})"

    def _setup(self) -> None:
        t = self.table
        self._conn.executescript(
            f"""
            CREATE TABLE IF NOT EXISTS {t} (
                id TEXT PRIMARY KEY, content TEXT NOT NULL, metadata TEXT NOT NULL,
                embedding BLOB NOT NULL, created_at REAL NOT NULL, content_type TEXT NOT NULL
            );
            CREATE TABLE IF NOT EXISTS {t}_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            """
        )
        meta = dict(self._conn.execute(f"SELECT key, value FROM {t}_meta").fetchall())
        metric = meta.get("distance_metric")
        if metric is None:
            self._conn.execute(
                f"INSERT INTO {t}_meta VALUES ('distance_metric', ?)",
                (self.config.distance_metric,),
            )
        elif metric != self.config.distance_metric:
            raise ValidationError(
                f"table {t!r} in {self.path!r} uses distance_metric {metric!r}, "
                f"not {self.config.distance_metric!r}; open it with {metric!r} or use another table"
            )
        if "dimension" in meta:
            self._check_dimension(int(meta["dimension"]), fix=True)

    # -- plumbing ----------------------------------------------------------------

    async def _call(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        def run() -> T:
            with self._lock:
                try:
                    return fn(self._conn)
                except sqlite3.Error as exc:
                    raise VectorStoreError(
                        f"SQLite vector store {self.path!r} failed: {exc}", cause=exc
                    ) from exc

        return await asyncio.to_thread(run)

    def _reload_if_stale(self, conn: sqlite3.Connection) -> None:
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if version == self._version:
            return
        index = FlatIndex(self.config.distance_metric)
        rows = conn.execute(
            f"SELECT id, content, metadata, embedding, created_at, content_type FROM {self.table}"
        ).fetchall()
        if rows:
            docs = [Document(r[0], r[1], None, json.loads(r[2]), r[4], r[5]) for r in rows]
            vectors = np.stack([np.frombuffer(r[3], dtype=np.float32) for r in rows])
            index.upsert(docs, vectors, unit=True)
        self._index = index
        self._version = version

    async def _mirror(self) -> FlatIndex:
        # the version check is microseconds: done inline; only a reload hops to a thread
        try:
            with self._lock:
                version = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as exc:
            raise VectorStoreError(
                f"SQLite vector store {self.path!r} failed: {exc}", cause=exc
            ) from exc
        if version != self._version:
            await self._call(self._reload_if_stale)
        return self._index

    # -- the contract ------------------------------------------------------------

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Insert or replace ``documents`` by id in one transaction; return their ids."""
        vectors = self._vectors(documents)
        if not len(documents):
            return []
        if self.config.distance_metric == "cosine":
            vectors = normalise(vectors)
        try:
            metas = [json.dumps(d.metadata, allow_nan=False) for d in documents]
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                f"metadata must be JSON-compatible (str, number, bool, None, list, dict): {exc}",
                cause=exc,
            ) from exc
        rows = [
            (d.id, d.content, m, v.tobytes(), d.created_at, d.content_type)
            for d, m, v in zip(documents, metas, vectors, strict=True)
        ]
        dim = str(vectors.shape[1])

        def write(conn: sqlite3.Connection) -> None:
            self._reload_if_stale(conn)
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute(
                    f"INSERT OR IGNORE INTO {self.table}_meta VALUES ('dimension', ?)", (dim,)
                )
                conn.executemany(
                    f"INSERT OR REPLACE INTO {self.table} VALUES (?, ?, ?, ?, ?, ?)", rows
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._index.upsert(documents, vectors, unit=True)

        await self._call(write)
        return [d.id for d in documents]

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The ``limit`` nearest documents matching ``filter``, best first (exact)."""
        query = self._query(embedding, limit)
        if filter is not None:
            check_filter(filter)
        return (await self._mirror()).search(query, limit, filter)

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        wanted = check_ids(ids)
        return (await self._mirror()).get(wanted)

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter in one transaction; return how many."""

        def remove(conn: sqlite3.Connection) -> int:
            self._reload_if_stale(conn)
            targets = [i for i in select_ids(self._index, ids, filter) if i in self._index]
            if not targets:
                return 0
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(f"DELETE FROM {self.table} WHERE id = ?", [(i,) for i in targets])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return self._index.remove(targets)

        return await self._call(remove)

    async def documents(self) -> list[Document]:
        """Every document, without embeddings (for keyword indexes and exports)."""
        return (await self._mirror()).documents()

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        if filter:
            check_filter(filter)
        return (await self._mirror()).count(filter)

    async def clear(self) -> None:
        """Delete every document (the table and its dimension stay)."""

        def wipe(conn: sqlite3.Connection) -> None:
            conn.execute(f"DELETE FROM {self.table}")
            self._index.clear()
            self._version = int(conn.execute("PRAGMA data_version").fetchone()[0])

        await self._call(wipe)

    async def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()


def from_url(url: str, **options: Any) -> SQLiteVectorStore:
    """Factory for ``sqlite:///relative.db``, ``sqlite:////abs/path.db``, ``sqlite://`` (memory)."""
    parts = urlsplit(url)
    if parts.netloc:
        raise ValidationError(
            "sqlite URLs have no host: use 'sqlite:///relative/path.db' or "
            f"'sqlite:////absolute/path.db', got {url!r}"
        )
    path = unquote(parts.path)
    path = path[1:] if path.startswith("/") else path
    return SQLiteVectorStore(path or ":memory:", **options)
