"""The vector-store contract: :class:`Document`, :class:`SearchResult`, :class:`VectorStore`.

A store keeps documents (text, metadata and an embedding) and answers
nearest-neighbour queries. The required set is small: ``add`` (an upsert by
id), ``search``, ``get``, ``delete``, ``count``, ``clear`` and ``close``.
Every store in locus passes :class:`locus.rag.testing.VectorStoreConformance`.

Metadata filters are dicts, the same for every store::

    {"source": "a.md"}                      # equality
    {"year": {"$gte": 2020, "$lt": 2025}}   # $eq $ne $gt $gte $lt $lte
    {"lang": {"$in": ["en", "fr"]}}         # $in $nin
    {"$or": [{"a": 1}, {"b": 2}]}           # $and $or of sub-filters

Top-level keys are ANDed.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeAlias, runtime_checkable

import numpy as np
import numpy.typing as npt

from locus.core.errors import ValidationError

__all__ = [
    "DISTANCE_METRICS",
    "BaseVectorStore",
    "Document",
    "Filter",
    "SearchResult",
    "Vector",
    "VectorStore",
    "VectorStoreConfig",
]

Vector: TypeAlias = Sequence[float] | npt.NDArray[Any]
"""An embedding: a list of floats or a 1-d numpy array."""

Filter: TypeAlias = dict[str, Any]
"""A metadata filter (see the module docstring)."""

DISTANCE_METRICS = ("cosine", "dot", "l2")


@dataclass
class Document:
    """One stored item: usually a chunk of a source document.

    Attributes:
        id: Unique within a store; adding a document with an existing id replaces it.
        content: The text that was embedded (and is shown to the model).
        embedding: Its vector; required by :meth:`VectorStore.add`.
        metadata: JSON-compatible values (``source``, ``title``, ``chunk_index``...).
        created_at: Seconds since the epoch.
        content_type: ``text``, ``markdown``, ``html``, ``pdf``...
        raw_content: Original bytes, when kept (not stored by every backend).
    """

    id: str
    content: str
    embedding: Vector | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: float = field(default_factory=time.time)
    content_type: str = "text"
    raw_content: bytes | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (the embedding as a list; raw bytes left out)."""
        return {
            "id": self.id,
            "content": self.content,
            "embedding": None if self.embedding is None else [float(x) for x in self.embedding],
            "metadata": dict(self.metadata),
            "created_at": self.created_at,
            "content_type": self.content_type,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`."""
        return cls(
            id=str(data["id"]),
            content=str(data.get("content", "")),
            embedding=data.get("embedding"),
            metadata=dict(data.get("metadata") or {}),
            created_at=float(data.get("created_at") or time.time()),
            content_type=str(data.get("content_type", "text")),
        )


@dataclass
class SearchResult:
    """A document found by a search.

    Attributes:
        document: The stored document (``embedding`` may be left out).
        score: Higher is more similar: cosine similarity for ``cosine``, the
            inner product for ``dot``, ``1 / (1 + distance)`` for ``l2``.
        distance: The metric's distance (``1 - cosine``, ``-dot``, euclidean).
    """

    document: Document
    score: float
    distance: float | None = None

    @property
    def id(self) -> str:
        """The document id."""
        return self.document.id

    @property
    def content(self) -> str:
        """The document text."""
        return self.document.content

    @property
    def metadata(self) -> dict[str, Any]:
        """The document metadata."""
        return self.document.metadata


@dataclass(frozen=True)
class VectorStoreConfig:
    """What a store was built with.

    Attributes:
        dimension: Vector size; ``None`` until the first :meth:`VectorStore.add` fixes it.
        distance_metric: ``cosine``, ``dot`` or ``l2``.
        index_type: ``flat`` (exact) or the backend's approximate index (``hnsw``...).
    """

    dimension: int | None
    distance_metric: str = "cosine"
    index_type: str = "flat"

    def __post_init__(self) -> None:
        if self.distance_metric not in DISTANCE_METRICS:
            raise ValidationError(
                f"distance_metric must be one of {', '.join(DISTANCE_METRICS)}, "
                f"got {self.distance_metric!r}"
            )
        if self.dimension is not None and self.dimension < 1:
            raise ValidationError(f"dimension must be >= 1, got {self.dimension}")


@runtime_checkable
class VectorStore(Protocol):
    """What the retriever needs from a vector store (all methods async).

    Errors: bad input raises :class:`~locus.core.errors.ValidationError`
    (wrong dimension, a document without an embedding, a malformed filter);
    backend failures raise :class:`~locus.core.errors.VectorStoreError`.
    """

    @property
    def config(self) -> VectorStoreConfig:
        """Dimension, metric and index type."""
        ...

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Insert or replace ``documents`` by id (all or none); return their ids."""
        ...

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The ``limit`` nearest documents matching ``filter``, best first."""
        ...

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        ...

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or by filter (both: documents matching both); return how many."""
        ...

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``) are stored."""
        ...

    async def clear(self) -> None:
        """Delete every document."""
        ...

    async def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...


class BaseVectorStore(ABC):
    """Helpers shared by locus's stores: dimension checks and vector coercion."""

    def __init__(
        self, *, dimension: int | None = None, distance_metric: str = "cosine", index_type: str
    ) -> None:
        self._config = VectorStoreConfig(dimension, distance_metric, index_type)

    @property
    def config(self) -> VectorStoreConfig:
        """Dimension, metric and index type."""
        return self._config

    def _fix_dimension(self, dimension: int) -> None:
        cfg = self._config
        self._config = VectorStoreConfig(dimension, cfg.distance_metric, cfg.index_type)

    def _vectors(self, documents: Sequence[Document]) -> npt.NDArray[np.float32]:
        """The documents' embeddings as a float32 matrix, checked (fixes the dimension)."""
        if isinstance(documents, Document):
            raise ValidationError("add() takes a list of documents; wrap one in a list")
        if not documents:
            return np.zeros((0, self._config.dimension or 0), dtype=np.float32)
        seen: set[str] = set()
        for doc in documents:
            if not isinstance(doc, Document):
                raise ValidationError(f"add() takes Document objects, got {type(doc).__name__}")
            if not isinstance(doc.id, str) or not doc.id:
                raise ValidationError("every document needs a non-empty string id")
            if doc.embedding is None:
                raise ValidationError(
                    f"document {doc.id!r} has no embedding; embed it first "
                    "(RAGRetriever.add_document does) or set Document.embedding"
                )
            if doc.id in seen:
                raise ValidationError(f"document id {doc.id!r} appears twice in one add()")
            seen.add(doc.id)
        try:
            matrix = np.asarray([np.asarray(d.embedding, dtype=np.float32) for d in documents])
        except ValueError as exc:
            raise ValidationError(
                "embeddings in one add() have different lengths", cause=exc
            ) from exc
        if matrix.ndim != 2:
            raise ValidationError("each embedding must be a flat list of numbers")
        self._check_dimension(matrix.shape[1], fix=True)
        if not np.all(np.isfinite(matrix)):
            raise ValidationError("embeddings must be finite numbers (found NaN or inf)")
        return matrix

    def _query(self, embedding: Vector, limit: int) -> npt.NDArray[np.float32]:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError(f"limit must be a positive int, got {limit!r}")
        query = np.asarray(embedding, dtype=np.float32)
        if query.ndim != 1:
            raise ValidationError("search() takes one embedding (a flat list of numbers)")
        self._check_dimension(query.shape[0], fix=False)
        return query

    def _check_dimension(self, dimension: int, *, fix: bool) -> None:
        expected = self._config.dimension
        if expected is None:
            if fix:
                self._fix_dimension(dimension)
            return
        if dimension != expected:
            raise ValidationError(
                f"embedding has {dimension} dimensions but the store holds {expected}-d "
                "vectors; use the same embedding model for documents and queries"
            )

    @abstractmethod
    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Insert or replace ``documents`` by id."""

    @abstractmethod
    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The nearest documents, best first."""

    @abstractmethod
    async def get(self, ids: Sequence[str]) -> list[Document]:
        """Documents by id."""

    @abstractmethod
    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter."""

    @abstractmethod
    async def count(self, filter: Filter | None = None) -> int:
        """How many documents."""

    async def clear(self) -> None:
        """Delete every document."""
        await self.delete(filter={})

    async def close(self) -> None:  # noqa: B027 - optional for in-process stores
        """Release resources (nothing for in-process stores)."""
