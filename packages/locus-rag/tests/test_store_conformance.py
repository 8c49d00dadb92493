"""Every built-in vector store passes the conformance kit."""

from __future__ import annotations

from pathlib import Path

from locus.rag.stores import InMemoryVectorStore, SQLiteVectorStore, VectorStore
from locus.rag.testing import PersistentVectorStoreConformance, VectorStoreConformance


class TestInMemoryStore(VectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        return InMemoryVectorStore(dimension=dimension)


class TestSQLiteStore(PersistentVectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        tmp_path.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 - test setup
        return SQLiteVectorStore(tmp_path / "kb.db", dimension=dimension)

    async def reopen_store(self, store: VectorStore, tmp_path: Path) -> VectorStore:
        return SQLiteVectorStore(tmp_path / "kb.db")
