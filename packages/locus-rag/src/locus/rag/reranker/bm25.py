"""``BM25Reranker``: keyword relevance over the retrieved candidates, no model needed."""

from __future__ import annotations

from dataclasses import replace

from locus.rag.reranker._bm25 import BM25Index
from locus.rag.stores.base import SearchResult

__all__ = ["BM25Reranker"]


class BM25Reranker:
    """Reorders candidates by Okapi BM25 against the query (statistics over the candidates).

    A fallback when no rerank model is configured: it rewards candidates that
    contain the query's words. Candidates with no query word keep their
    vector order after those that have one.

    Args:
        k1: Term-frequency saturation.
        b: Length normalisation.
    """

    model = "bm25"

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b

    async def rerank(
        self, query: str, results: list[SearchResult], *, top_n: int | None = None
    ) -> list[SearchResult]:
        """``results`` ordered by BM25 score, best first."""
        index = BM25Index(self.k1, self.b)
        for r in results:
            index.add(r.document.id, r.document.content)
        scores = index.scores(query)
        order = sorted(
            range(len(results)),
            key=lambda i: (-scores.get(results[i].document.id, 0.0), i),
        )
        ranked = [replace(results[i], score=scores.get(results[i].document.id, 0.0)) for i in order]
        return ranked[:top_n] if top_n is not None else ranked
