"""An exact (brute-force) numpy index: one float32 matrix, rows addressed by id.

Shared by :class:`InMemoryVectorStore` and the in-memory mirror of
:class:`SQLiteVectorStore`. Cosine vectors are normalised once on insert,
so a query is one matrix-vector product plus a partial sort. The matrix is
column-major (Fortran order): OpenBLAS's matrix-vector product over it ran
~2x faster than over the row-major layout (``bench/bench_rag.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from locus.core.errors import ValidationError
from locus.rag.stores._filters import check_filter, matches
from locus.rag.stores.base import Document, Filter, SearchResult

__all__ = ["FlatIndex", "check_ids", "normalise", "select_ids"]

F32 = npt.NDArray[np.float32]


def normalise(matrix: F32) -> F32:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    norms[norms == 0] = 1.0
    out: F32 = (matrix / norms).astype(np.float32, copy=False)
    return out


class FlatIndex:
    """Documents by id plus their vectors in one growable matrix.

    Args:
        metric: ``cosine``, ``dot`` or ``l2``.
    """

    def __init__(self, metric: str) -> None:
        self.metric = metric
        self._matrix: F32 = np.zeros((0, 0), dtype=np.float32, order="F")
        self._sq_norms: F32 = np.zeros(0, dtype=np.float32)
        self._docs: list[Document] = []
        self._rows: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._rows

    def upsert(self, documents: Sequence[Document], vectors: F32) -> None:
        """Insert or replace ``documents``; ``vectors`` holds their embeddings, row by row."""
        if self.metric == "cosine":
            vectors = normalise(vectors)
        self._reserve(len(self._docs) + len(documents), vectors.shape[1])
        for doc, vector in zip(documents, vectors, strict=True):
            doc = replace(doc, embedding=None)  # the row holds the vector
            row = self._rows.get(doc.id)
            if row is None:
                row = len(self._docs)
                self._rows[doc.id] = row
                self._docs.append(doc)
            else:
                self._docs[row] = doc
            self._matrix[row] = vector
            self._sq_norms[row] = float(vector @ vector)

    def _reserve(self, rows: int, dim: int) -> None:
        if self._matrix.shape[1] != dim and len(self._docs) == 0:
            self._matrix = np.zeros((0, dim), dtype=np.float32, order="F")
        if rows <= self._matrix.shape[0]:
            return
        capacity = max(rows, 2 * self._matrix.shape[0], 16)
        grown = np.zeros((capacity, dim), dtype=np.float32, order="F")
        grown[: len(self._docs)] = self._matrix[: len(self._docs)]
        norms = np.zeros(capacity, dtype=np.float32)
        norms[: len(self._docs)] = self._sq_norms[: len(self._docs)]
        self._matrix, self._sq_norms = grown, norms

    def remove(self, ids: Iterable[str]) -> int:
        """Delete ``ids`` (missing ones ignored); the last row fills each hole."""
        removed = 0
        for doc_id in ids:
            row = self._rows.pop(doc_id, None)
            if row is None:
                continue
            last = len(self._docs) - 1
            if row != last:
                moved = self._docs[last]
                self._docs[row] = moved
                self._rows[moved.id] = row
                self._matrix[row] = self._matrix[last]
                self._sq_norms[row] = self._sq_norms[last]
            self._docs.pop()
            removed += 1
        return removed

    def clear(self) -> None:
        """Forget everything."""
        self.__init__(self.metric)  # type: ignore[misc]

    def documents(self) -> list[Document]:
        """Every document, without embeddings."""
        return list(self._docs)

    def ids(self, filter: Filter | None = None) -> list[str]:
        """Ids of the documents matching ``filter``."""
        return [d.id for d in self._docs if matches(d.metadata, filter)]

    def get(self, ids: Sequence[str]) -> list[Document]:
        """Copies of the documents with these ids, embeddings included."""
        out: list[Document] = []
        for doc_id in ids:
            row = self._rows.get(doc_id)
            if row is not None:
                vector = self._matrix[row].tolist()
                out.append(replace(self._docs[row], embedding=vector))
        return out

    def search(self, query: F32, limit: int, filter: Filter | None = None) -> list[SearchResult]:
        """The ``limit`` best rows for ``query`` among those matching ``filter``."""
        n = len(self._docs)
        if n == 0:
            return []
        if filter:
            rows: npt.NDArray[np.intp] | None = np.fromiter(
                (i for i, d in enumerate(self._docs) if matches(d.metadata, filter)),
                dtype=np.intp,
            )
            assert rows is not None
            if rows.size == 0:
                return []
            matrix, sq_norms = self._matrix[rows], self._sq_norms[rows]
        else:
            rows = None
            matrix, sq_norms = self._matrix[:n], self._sq_norms[:n]
        scores = self._score(matrix, sq_norms, query)
        m = scores.shape[0]
        k = min(limit, m)
        # partition without negating (no extra 100k-element temporary)
        top = np.argpartition(scores, m - k)[m - k :] if k < m else np.arange(m)
        top = top[np.argsort(-scores[top], kind="stable")]
        results = []
        for i in top.tolist():
            row = i if rows is None else int(rows[i])
            score = float(scores[i])
            results.append(SearchResult(self._docs[row], score, self._distance(score)))
        return results

    def _score(self, matrix: F32, sq_norms: F32, query: F32) -> F32:
        """Higher-is-better scores of every row (cosine rows are unit length)."""
        if self.metric == "cosine":
            qn = float(np.linalg.norm(query))
            unit = (query / qn if qn else query).astype(np.float32, copy=False)
            sims: F32 = matrix @ unit
            return sims
        dots: F32 = matrix @ query
        if self.metric == "dot":
            return dots
        dist = np.sqrt(np.maximum(sq_norms - 2.0 * dots + float(query @ query), 0.0))
        out: F32 = (1.0 / (1.0 + dist)).astype(np.float32)
        return out

    def _distance(self, score: float) -> float:
        if self.metric == "cosine":
            return 1.0 - score
        if self.metric == "dot":
            return -score
        return 1.0 / score - 1.0


def check_ids(ids: Sequence[str]) -> list[str]:
    """``ids`` as a list, checked."""
    if isinstance(ids, str) or not all(isinstance(i, str) for i in ids):
        raise ValidationError("ids must be a list of strings")
    return list(ids)


def select_ids(index: FlatIndex, ids: Sequence[str] | None, filter: Filter | None) -> list[str]:
    """The ids a ``delete(ids, filter=...)`` call selects."""
    if ids is None and filter is None:
        raise ValidationError("delete() needs ids or a filter; use clear() to delete everything")
    if filter is not None:
        check_filter(filter)
        selected = index.ids(filter)
        if ids is None:
            return selected
        wanted = set(check_ids(ids))
        return [i for i in selected if i in wanted]
    return check_ids(ids or [])
