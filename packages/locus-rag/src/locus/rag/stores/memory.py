"""``InMemoryVectorStore``: exact search over a numpy matrix, in this process only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from locus.core.errors import ValidationError
from locus.rag.stores._filters import check_filter
from locus.rag.stores._flat import FlatIndex, check_ids, select_ids
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["InMemoryVectorStore", "from_url"]


class InMemoryVectorStore(BaseVectorStore):
    """Exact nearest-neighbour search held in memory (lost when the process ends).

    A query is one float32 matrix-vector product and a partial sort; its speed
    next to a faiss flat index is measured by ``bench/bench_rag.py``.

    Args:
        dimension: Vector size; ``None`` (default) takes it from the first add.
        distance_metric: ``cosine`` (default), ``dot`` or ``l2``.
    """

    def __init__(self, dimension: int | None = None, distance_metric: str = "cosine") -> None:
        super().__init__(dimension=dimension, distance_metric=distance_metric, index_type="flat")
        self._index = FlatIndex(distance_metric)

    def __repr__(self) -> str:
        return (
            f"InMemoryVectorStore(count={len(self._index)}, metric={self.config.distance_metric!r})"
        )

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Insert or replace ``documents`` by id; return their ids."""
        vectors = self._vectors(documents)
        self._index.upsert(documents, vectors)
        return [d.id for d in documents]

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The ``limit`` nearest documents matching ``filter``, best first."""
        query = self._query(embedding, limit)
        if filter is not None:
            check_filter(filter)
        return self._index.search(query, limit, filter)

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        return self._index.get(check_ids(ids))

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter; return how many were deleted."""
        return self._index.remove(select_ids(self._index, ids, filter))

    async def documents(self) -> list[Document]:
        """Every document, without embeddings (for keyword indexes and exports)."""
        return self._index.documents()

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        if filter:
            check_filter(filter)
        return self._index.count(filter)

    async def clear(self) -> None:
        """Delete every document."""
        self._index.clear()


def from_url(url: str, **options: Any) -> InMemoryVectorStore:
    """Factory for ``memory://``."""
    if url.rstrip("/") != "memory:":
        raise ValidationError(f"the in-memory store takes the URL 'memory://', got {url!r}")
    return InMemoryVectorStore(**options)
