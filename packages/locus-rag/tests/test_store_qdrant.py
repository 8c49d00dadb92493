"""QdrantVectorStore (qdrant-client local mode) passes the conformance kit; server when reachable."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from locus.rag.stores import Document, VectorStore, get_vector_store
from locus.rag.stores.qdrant import QdrantVectorStore
from locus.rag.testing import VectorStoreConformance

SERVER = os.environ.get("LOCUS_TEST_QDRANT_URL")


class TestQdrantLocal(VectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        return QdrantVectorStore(dimension=dimension)


@pytest.mark.skipif(not SERVER, reason="set LOCUS_TEST_QDRANT_URL to run against a Qdrant server")
class TestQdrantServer(VectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        name = f"locus_{uuid.uuid4().hex[:10]}"
        return QdrantVectorStore(SERVER, collection_name=name, dimension=dimension)


async def test_local_folder_persists_across_processes_handles(tmp_path: Path) -> None:
    store = get_vector_store(f"qdrant:///{tmp_path}/q", collection_name="kb")
    assert isinstance(store, QdrantVectorStore)
    await store.add([Document(id="a/1", content="hello", embedding=[1.0, 0.0], metadata={"n": 1})])
    await store.close()
    again = QdrantVectorStore(path=str(tmp_path / "q"), collection_name="kb")
    (hit,) = await again.search([1.0, 0.0], limit=1)
    assert hit.id == "a/1"
    assert hit.metadata == {"n": 1}
    assert again.config.dimension == 2
    await again.close()
