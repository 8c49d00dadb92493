"""The reranking contract: :class:`Reranker`."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from locus.rag.stores.base import SearchResult

__all__ = ["Reranker"]


@runtime_checkable
class Reranker(Protocol):
    """Reorders search results by relevance to the query.

    ``rerank`` returns the results (copies) best first, at most ``top_n``
    of them, each with the reranker's ``score``; ``distance`` keeps the
    vector distance.
    """

    async def rerank(
        self, query: str, results: list[SearchResult], *, top_n: int | None = None
    ) -> list[SearchResult]:
        """``results`` best first by relevance to ``query``."""
        ...
