"""Result-list arithmetic: maximal marginal relevance and reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from locus.rag.stores._flat import normalise
from locus.rag.stores.base import SearchResult, Vector

__all__ = ["mmr_select", "reciprocal_rank_fusion"]


def mmr_select(
    query: Vector,
    candidates: Sequence[SearchResult],
    vectors: Sequence[Vector],
    *,
    limit: int,
    diversity: float = 0.5,
) -> list[SearchResult]:
    """Pick ``limit`` candidates balancing relevance and novelty (Carbonell & Goldstein).

    Each step takes the candidate maximising
    ``(1 - diversity) * sim(query, d) - diversity * max(sim(d, chosen))``
    (cosine similarities): ``diversity=0`` is plain relevance order.
    """
    if not candidates:
        return []
    m = normalise(np.asarray(vectors, dtype=np.float32))
    q = normalise(np.asarray(query, dtype=np.float32)[None])[0]
    relevance = m @ q
    pairwise = m @ m.T
    chosen: list[int] = []
    best_overlap = np.full(len(candidates), -np.inf, dtype=np.float32)
    for _ in range(min(limit, len(candidates))):
        penalty = np.where(np.isfinite(best_overlap), best_overlap, 0.0)
        gain = (1.0 - diversity) * relevance - diversity * penalty
        gain[chosen] = -np.inf
        pick = int(np.argmax(gain))
        chosen.append(pick)
        best_overlap = np.maximum(best_overlap, pairwise[pick])
    return [candidates[i] for i in chosen]


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], *, k: int = 60
) -> list[tuple[str, float]]:
    """Ids ordered by ``sum(1 / (k + rank))`` over the rankings (rank from 1)."""
    fused: dict[str, float] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking, 1):
            fused[doc_id] = fused.get(doc_id, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: -item[1])
