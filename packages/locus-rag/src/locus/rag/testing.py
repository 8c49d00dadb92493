"""The vector-store conformance suite (pytest).

Subclass :class:`VectorStoreConformance` in a test module (name it
``Test...`` so pytest collects it) and implement :meth:`make_store`; every
test of the suite then runs against your store. Needs ``pytest`` and
``pytest-asyncio``.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import pytest_asyncio

from locus.core.errors import ValidationError
from locus.rag.stores.base import Document, SearchResult, VectorStore, VectorStoreConfig

__all__ = ["PersistentVectorStoreConformance", "VectorStoreConformance", "unit_vectors"]

DIM = 8


def unit_vectors(n: int, dim: int = DIM, *, seed: int = 7) -> list[list[float]]:
    """``n`` random unit vectors (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, dim)).astype(np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return [[float(x) for x in row] for row in m]


def _doc(i: int, vector: list[float], **metadata: Any) -> Document:
    return Document(
        id=f"d{i}",
        content=f"document {i} — héllo 🦜",
        embedding=vector,
        metadata={"i": i, **metadata},
    )


@pytest.mark.asyncio
class VectorStoreConformance:
    """Behaviour every locus vector store must have (cosine metric).

    Override :meth:`make_store`. Stores that keep data across handles use
    :class:`PersistentVectorStoreConformance`.
    """

    async def make_store(self, tmp_path: Path, *, dimension: int | None = DIM) -> VectorStore:
        """A fresh, empty cosine store of ``dimension``."""
        raise NotImplementedError("subclass VectorStoreConformance and implement make_store")

    @pytest_asyncio.fixture
    async def store(self, tmp_path: Path) -> AsyncIterator[VectorStore]:
        """A fresh store from :meth:`make_store`, closed after the test."""
        s = await self.make_store(tmp_path)
        try:
            yield s
        finally:
            await s.close()

    @staticmethod
    async def filled(store: VectorStore, n: int = 20) -> list[list[float]]:
        """Add ``n`` documents ``d0..d{n-1}`` with ``i``, ``parity`` and ``tag`` metadata."""
        vectors = unit_vectors(n)
        docs = [
            _doc(i, v, parity="even" if i % 2 == 0 else "odd", tag=f"t{i % 3}")
            for i, v in enumerate(vectors)
        ]
        assert await store.add(docs) == [d.id for d in docs]
        return vectors

    # -- contract ---------------------------------------------------------------

    async def test_implements_protocol(self, store: VectorStore) -> None:
        assert isinstance(store, VectorStore)
        assert isinstance(store.config, VectorStoreConfig)
        assert store.config.distance_metric == "cosine"

    async def test_empty_store(self, store: VectorStore) -> None:
        assert await store.count() == 0
        assert await store.search(unit_vectors(1)[0], limit=5) == []
        assert await store.get(["nope"]) == []

    async def test_nearest_is_itself_and_scores_are_ordered(self, store: VectorStore) -> None:
        vectors = await self.filled(store)
        for i in (0, 7, 19):
            results = await store.search(vectors[i], limit=5)
            assert all(isinstance(r, SearchResult) for r in results)
            assert results[0].document.id == f"d{i}"
            assert math.isclose(results[0].score, 1.0, abs_tol=1e-4)
            scores = [r.score for r in results]
            assert scores == sorted(scores, reverse=True)
            assert len({r.document.id for r in results}) == 5

    async def test_search_matches_exact_cosine_ranking(self, store: VectorStore) -> None:
        vectors = await self.filled(store, 30)
        query = unit_vectors(1, seed=99)[0]
        sims = np.asarray(vectors) @ np.asarray(query)
        expected = [f"d{i}" for i in np.argsort(-sims)[:10]]
        got = await store.search(query, limit=10)
        assert [r.document.id for r in got] == expected
        for r in got:
            assert math.isclose(r.score, float(sims[int(r.document.id[1:])]), abs_tol=1e-4)

    async def test_content_metadata_roundtrip(self, store: VectorStore) -> None:
        meta = {
            "source": "a.md",
            "n": 3,
            "f": 2.5,
            "ok": True,
            "none": None,
            "tags": ["x", "y"],
            "nested": {"k": "v"},
        }
        vec = unit_vectors(1)[0]
        await store.add(
            [
                Document(
                    id="a/b:c#1",
                    content="Ünïcode ✓",
                    embedding=vec,
                    metadata=meta,
                    content_type="markdown",
                )
            ]
        )
        (doc,) = await store.get(["a/b:c#1"])
        assert doc.content == "Ünïcode ✓"
        assert doc.metadata == meta
        assert doc.content_type == "markdown"
        assert doc.embedding is not None
        got = np.asarray(doc.embedding, dtype=np.float64)
        assert np.allclose(got / np.linalg.norm(got), vec, atol=1e-5)

    async def test_add_same_id_replaces(self, store: VectorStore) -> None:
        vectors = await self.filled(store, 5)
        await store.add(
            [Document(id="d1", content="new text", embedding=vectors[4], metadata={"v": 2})]
        )
        assert await store.count() == 5
        (doc,) = await store.get(["d1"])
        assert doc.content == "new text"
        assert doc.metadata == {"v": 2}
        top = await store.search(vectors[1], limit=5)
        assert top[0].document.id != "d1"

    async def test_get_keeps_order_and_skips_missing(self, store: VectorStore) -> None:
        await self.filled(store, 5)
        docs = await store.get(["d3", "missing", "d0"])
        assert [d.id for d in docs] == ["d3", "d0"]

    async def test_delete_by_ids(self, store: VectorStore) -> None:
        vectors = await self.filled(store, 6)
        assert await store.delete(["d2", "d4", "missing"]) == 2
        assert await store.count() == 4
        ids = [r.document.id for r in await store.search(vectors[2], limit=10)]
        assert "d2" not in ids
        assert "d4" not in ids
        assert len(ids) == 4

    async def test_filters(self, store: VectorStore) -> None:
        vectors = await self.filled(store, 20)
        even = await store.search(vectors[1], limit=20, filter={"parity": "even"})
        assert len(even) == 10
        assert all(r.document.metadata["parity"] == "even" for r in even)
        rng = await store.search(vectors[0], limit=20, filter={"i": {"$gte": 5, "$lt": 8}})
        assert sorted(r.document.id for r in rng) == ["d5", "d6", "d7"]
        isin = await store.search(vectors[0], limit=20, filter={"tag": {"$in": ["t0", "t1"]}})
        assert len(isin) == 14
        ne = await store.count({"tag": {"$ne": "t0"}})
        assert ne == 13
        either = await store.count({"$or": [{"i": 1}, {"i": 2}], "parity": "odd"})
        assert either == 1
        assert await store.count({"parity": "even"}) == 10
        assert await store.search(vectors[0], limit=5, filter={"parity": "none"}) == []

    async def test_delete_by_filter(self, store: VectorStore) -> None:
        await self.filled(store, 10)
        assert await store.delete(filter={"parity": "odd"}) == 5
        assert await store.count() == 5
        assert await store.count({"parity": "odd"}) == 0
        assert await store.delete(["d0", "d1"], filter={"parity": "even"}) == 1

    async def test_clear(self, store: VectorStore) -> None:
        vectors = await self.filled(store, 5)
        await store.clear()
        assert await store.count() == 0
        assert await store.search(vectors[0], limit=3) == []
        await store.add([_doc(9, vectors[0])])
        assert await store.count() == 1

    async def test_bad_input_is_rejected_and_loses_nothing(self, store: VectorStore) -> None:
        vectors = await self.filled(store, 3)
        with pytest.raises(ValidationError, match="dimension"):
            await store.add([Document(id="x", content="x", embedding=[1.0, 0.0])])
        with pytest.raises(ValidationError, match="embedding"):
            await store.add([_doc(5, vectors[0]), Document(id="y", content="y")])
        with pytest.raises(ValidationError, match="dimension"):
            await store.search([1.0, 2.0], limit=3)
        with pytest.raises(ValidationError, match="operator"):
            await store.search(vectors[0], limit=3, filter={"i": {"$like": 1}})
        with pytest.raises(ValidationError, match="limit"):
            await store.search(vectors[0], limit=0)
        with pytest.raises(ValidationError):
            await store.delete()
        assert await store.count() == 3
        assert await store.get(["d5", "y"]) == []

    async def test_dimension_is_learnt_from_first_add(self, tmp_path: Path) -> None:
        store = await self.make_store(tmp_path / "learn", dimension=None)
        try:
            await store.add([_doc(0, [0.6, 0.8, 0.0])])
            assert store.config.dimension == 3
            with pytest.raises(ValidationError):
                await store.add([_doc(1, [1.0, 0.0])])
        finally:
            await store.close()

    async def test_many_documents(self, store: VectorStore) -> None:
        vectors = unit_vectors(500, seed=3)
        docs = [_doc(i, v, bucket=i % 10) for i, v in enumerate(vectors)]
        await store.add(docs)
        assert await store.count() == 500
        hit = await store.search(vectors[321], limit=1)
        assert hit[0].document.id == "d321"
        assert await store.count({"bucket": 3}) == 50

    async def test_documents_lists_every_document(self, store: VectorStore) -> None:
        """Optional ``documents()``: what hybrid search's keyword index is built from."""
        listing = getattr(store, "documents", None)
        if not callable(listing):
            pytest.skip(f"{type(store).__name__} does not list its documents")
        await self.filled(store, 30)
        await store.delete(["d4"])
        docs = {d.id: d for d in await listing()}
        assert sorted(docs) == sorted(f"d{i}" for i in range(30) if i != 4)
        assert docs["d7"].content == "document 7 — héllo 🦜"
        assert docs["d7"].metadata == {"i": 7, "parity": "odd", "tag": "t1"}

    @staticmethod
    def unique(prefix: str = "locus") -> str:
        """A name unique to this test (servers are shared by many runs)."""
        return f"{prefix}_{uuid.uuid4().hex[:10]}"


class PersistentVectorStoreConformance(VectorStoreConformance):
    """The suite plus persistence, for stores backed by a file or a server.

    Also override :meth:`reopen_store`.
    """

    async def reopen_store(self, store: VectorStore, tmp_path: Path) -> VectorStore:
        """A second, independent handle on ``store``'s data."""
        raise NotImplementedError("implement reopen_store")

    async def test_reopen_keeps_data(self, store: VectorStore, tmp_path: Path) -> None:
        vectors = await self.filled(store, 8)
        await store.delete(["d3"])
        other = await self.reopen_store(store, tmp_path)
        try:
            assert await other.count() == 7
            assert (await other.search(vectors[5], limit=1))[0].document.id == "d5"
            await other.add([_doc(30, vectors[3])])
            assert (await store.search(vectors[3], limit=1))[0].document.id == "d30"
        finally:
            await other.close()
