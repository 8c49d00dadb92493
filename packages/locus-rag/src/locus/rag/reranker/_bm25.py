"""Okapi BM25 over an in-process set of texts (for reranking and hybrid search)."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

__all__ = ["BM25Index", "tokenize"]

_WORD = re.compile(r"\w+", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Lower-cased words."""
    return _WORD.findall(text.lower())


class BM25Index:
    """Documents by id with term statistics; :meth:`scores` ranks them for a query.

    Args:
        k1: Term-frequency saturation.
        b: Length normalisation.
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self._terms: dict[str, Counter[str]] = {}
        self._lengths: dict[str, int] = {}
        self._df: Counter[str] = Counter()
        self._total = 0

    def __len__(self) -> int:
        return len(self._terms)

    def add(self, doc_id: str, text: str) -> None:
        """Index (or re-index) one document."""
        self.remove([doc_id])
        terms = Counter(tokenize(text))
        self._terms[doc_id] = terms
        self._lengths[doc_id] = sum(terms.values())
        self._total += self._lengths[doc_id]
        self._df.update(terms.keys())

    def remove(self, ids: Iterable[str]) -> None:
        """Forget documents (missing ids ignored)."""
        for doc_id in ids:
            terms = self._terms.pop(doc_id, None)
            if terms is None:
                continue
            self._total -= self._lengths.pop(doc_id)
            self._df.subtract(terms.keys())

    def scores(self, query: str, ids: Iterable[str] | None = None) -> dict[str, float]:
        """BM25 score of each document (of ``ids``, when given) with a positive score."""
        n = len(self._terms)
        if n == 0:
            return {}
        avg = self._total / n or 1.0
        q_terms = set(tokenize(query))
        idf = {
            t: math.log(1.0 + (n - self._df[t] + 0.5) / (self._df[t] + 0.5))
            for t in q_terms
            if self._df[t] > 0
        }
        out: dict[str, float] = {}
        for doc_id in ids if ids is not None else self._terms:
            terms = self._terms.get(doc_id)
            if terms is None:
                continue
            norm = self.k1 * (1 - self.b + self.b * self._lengths[doc_id] / avg)
            score = sum(
                w * terms[t] * (self.k1 + 1) / (terms[t] + norm) for t, w in idf.items() if terms[t]
            )
            if score > 0:
                out[doc_id] = score
        return out
