"""ChromaVectorStore (embedded, persistent folder) passes the conformance kit."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from locus.core.errors import ValidationError
from locus.rag.stores import Document, VectorStore, get_vector_store
from locus.rag.stores.chroma import ChromaVectorStore, translate_filter
from locus.rag.testing import PersistentVectorStoreConformance


class TestChromaPersistent(PersistentVectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        self.name = f"kb-{uuid.uuid4().hex[:10]}"
        return ChromaVectorStore(
            str(tmp_path / "chroma"), collection_name=self.name, dimension=dimension
        )

    async def reopen_store(self, store: VectorStore, tmp_path: Path) -> VectorStore:
        return ChromaVectorStore(str(tmp_path / "chroma"), collection_name=self.name)


async def test_url_and_metadata_chroma_cannot_hold(tmp_path: Path) -> None:
    store = get_vector_store(f"chroma:///{tmp_path}/c", collection_name="kb-url")
    assert isinstance(store, ChromaVectorStore)
    meta = {"nested": {"k": [1, None]}, "none": None, "n": 1}
    await store.add([Document(id="a", content="x", embedding=[1.0, 0.0], metadata=meta)])
    await store.add([Document(id="a", content="y", embedding=[1.0, 0.0], metadata={"m": 2})])
    (doc,) = await store.get(["a"])
    assert doc.metadata == {"m": 2}
    assert await store.count({"n": 1}) == 0, "a replaced document keeps no stale keys"
    with pytest.raises(ValidationError, match="Chroma filters"):
        await store.count({"none": None})


def test_filter_translation_splits_conditions() -> None:
    assert translate_filter({"a": 1}) == {"a": {"$eq": 1}}
    assert translate_filter({"a": {"$gte": 1, "$lt": 3}, "b": "x"}) == {
        "$and": [{"a": {"$gte": 1}}, {"a": {"$lt": 3}}, {"b": {"$eq": "x"}}]
    }
