"""``QdrantVectorStore``: Qdrant, embedded (local mode, a folder or memory) or a server.

Needs ``qdrant-client`` (``pip install 'locus-rag[qdrant]'``). Point ids are
UUIDs derived from the document id (Qdrant accepts only integers and UUIDs);
the document id, text and metadata live in the payload, metadata under
``metadata.<key>`` so filters translate field by field.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, urlsplit

from locus.core.errors import ConfigError, ValidationError, VectorStoreError
from locus.rag.stores._filters import check_filter
from locus.rag.stores._flat import check_ids
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["QdrantVectorStore", "from_url", "translate_filter"]

_NS = uuid.UUID("6f1c3f5e-2d0b-4c55-9a57-0c3a8a7b9e10")
_DISTANCE = {"cosine": "Cosine", "dot": "Dot", "l2": "Euclid"}


def point_id(doc_id: str) -> str:
    """The Qdrant point id (a UUID) of a document id."""
    return str(uuid.uuid5(_NS, doc_id))


def _models() -> Any:
    try:
        from qdrant_client import models
    except ImportError as exc:
        raise ConfigError(
            "QdrantVectorStore needs qdrant-client: pip install 'locus-rag[qdrant]'"
        ) from exc
    return models


def translate_filter(filter: Filter | None) -> Any:
    """A locus metadata filter as a ``qdrant_client.models.Filter`` (``None`` for none)."""
    if not filter:
        return None
    check_filter(filter)
    m = _models()
    must: list[Any] = []
    must_not: list[Any] = []
    for key, cond in filter.items():
        if key == "$and":
            must.extend(translate_filter(sub) for sub in cond)
        elif key == "$or":
            must.append(m.Filter(should=[translate_filter(sub) for sub in cond]))
        else:
            ops = cond if isinstance(cond, dict) else {"$eq": cond}
            field = f"metadata.{key}"
            for op, value in ops.items():
                if op == "$eq":
                    must.append(_equals(m, field, value))
                elif op == "$ne":
                    must_not.append(_equals(m, field, value))
                elif op == "$in":
                    must.append(m.Filter(should=[_equals(m, field, v) for v in value]))
                elif op == "$nin":
                    must_not.extend(_equals(m, field, v) for v in value)
                else:
                    bound = {"$gt": "gt", "$gte": "gte", "$lt": "lt", "$lte": "lte"}[op]
                    if not isinstance(value, int | float) or isinstance(value, bool):
                        raise ValidationError(f"Qdrant compares numbers only: {key} {op} {value!r}")
                    must.append(m.FieldCondition(key=field, range=m.Range(**{bound: value})))
    return m.Filter(must=must or None, must_not=must_not or None)


def _equals(m: Any, field: str, value: Any) -> Any:
    if value is None:
        return m.IsNullCondition(is_null=m.PayloadField(key=field))
    if isinstance(value, float) and not value.is_integer():
        return m.FieldCondition(key=field, range=m.Range(gte=value, lte=value))
    if isinstance(value, bool | int | str):
        return m.FieldCondition(key=field, match=m.MatchValue(value=value))
    if isinstance(value, float):
        return m.FieldCondition(key=field, match=m.MatchValue(value=int(value)))
    raise ValidationError(
        f"Qdrant filters match strings, numbers, booleans and null, not {value!r}"
    )


class QdrantVectorStore(BaseVectorStore):
    """A Qdrant collection as a vector store.

    Args:
        location: ``":memory:"`` (default), or a server URL (``http://host:6333``).
        path: A folder for embedded, persistent local mode (one process at a time).
        collection_name: The collection; created on first add when missing.
        dimension: Vector size; ``None`` takes it from the collection or the first add.
        distance_metric: ``cosine``, ``dot`` or ``l2``.
        api_key: For Qdrant Cloud.
        client: An existing ``AsyncQdrantClient``.

    Raises:
        ConfigError: qdrant-client is not installed.
    """

    def __init__(
        self,
        location: str | None = ":memory:",
        *,
        path: str | None = None,
        collection_name: str = "locus",
        dimension: int | None = None,
        distance_metric: str = "cosine",
        api_key: str | None = None,
        client: Any = None,
    ) -> None:
        super().__init__(dimension=dimension, distance_metric=distance_metric, index_type="hnsw")
        self.m = _models()
        if client is None:
            from qdrant_client import AsyncQdrantClient

            if path is not None:
                client = AsyncQdrantClient(path=path)
            elif location == ":memory:" or location is None:
                client = AsyncQdrantClient(location=":memory:")
            else:
                client = AsyncQdrantClient(url=location, api_key=api_key)
        self.client = client
        self.collection = collection_name
        self._ready = False

    def __repr__(self) -> str:
        return f"QdrantVectorStore(collection={self.collection!r})"

    async def _ensure(self, dimension: int | None) -> bool:
        """Whether the collection exists (created when ``dimension`` is known)."""
        if self._ready:
            return True
        try:
            if await self.client.collection_exists(self.collection):
                info = await self.client.get_collection(self.collection)
                self._check_dimension(int(info.config.params.vectors.size), fix=True)
                self._ready = True
                return True
            if dimension is None:
                return False
            await self.client.create_collection(
                self.collection,
                vectors_config=self.m.VectorParams(
                    size=dimension, distance=_DISTANCE[self.config.distance_metric]
                ),
            )
        except (ValidationError, ConfigError):
            raise
        except Exception as exc:
            raise VectorStoreError(
                f"Qdrant collection {self.collection!r}: {exc}", cause=exc
            ) from exc
        self._ready = True
        return True

    def _doc(self, point: Any) -> Document:
        p = point.payload or {}
        vector = point.vector if isinstance(point.vector, list) else None
        return Document(
            id=str(p.get("id")),
            content=str(p.get("content", "")),
            embedding=vector,
            metadata=dict(p.get("metadata") or {}),
            created_at=float(p.get("created_at") or 0.0),
            content_type=str(p.get("content_type", "text")),
        )

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Upsert ``documents`` in one request; return their ids."""
        matrix = self._vectors(documents)
        if not len(documents):
            return []
        await self._ensure(matrix.shape[1])
        points = [
            self.m.PointStruct(
                id=point_id(d.id),
                vector=row.tolist(),
                payload={
                    "id": d.id,
                    "content": d.content,
                    "metadata": d.metadata,
                    "created_at": d.created_at,
                    "content_type": d.content_type,
                },
            )
            for d, row in zip(documents, matrix, strict=True)
        ]
        await self._call(self.client.upsert(self.collection, points=points, wait=True))
        return [d.id for d in documents]

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The nearest documents matching ``filter``, best first."""
        query = self._query(embedding, limit)
        flt = translate_filter(filter)
        if not await self._ensure(None):
            return []
        response = await self._call(
            self.client.query_points(
                self.collection, query=query.tolist(), query_filter=flt, limit=limit
            )
        )
        results = []
        for point in response.points:
            s = float(point.score)
            if self.config.distance_metric == "l2":
                results.append(SearchResult(self._doc(point), 1.0 / (1.0 + s), s))
            elif self.config.distance_metric == "dot":
                results.append(SearchResult(self._doc(point), s, -s))
            else:
                results.append(SearchResult(self._doc(point), s, 1.0 - s))
        return results

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        wanted = check_ids(ids)
        if not wanted or not await self._ensure(None):
            return []
        points = await self._call(
            self.client.retrieve(
                self.collection, ids=[point_id(i) for i in wanted], with_vectors=True
            )
        )
        by_id = {d.id: d for d in map(self._doc, points)}
        return [by_id[i] for i in wanted if i in by_id]

    async def documents(self) -> list[Document]:
        """Every document, without embeddings (the retriever's keyword index reads these)."""
        if not await self._ensure(None):
            return []
        docs: list[Document] = []
        offset = None
        while True:
            points, offset = await self._call(
                self.client.scroll(self.collection, limit=1000, offset=offset)
            )
            docs += [self._doc(p) for p in points]
            if offset is None:
                return docs

    async def _matching(self, flt: Any) -> list[str]:
        ids: list[str] = []
        offset = None
        while True:
            points, offset = await self._call(
                self.client.scroll(self.collection, scroll_filter=flt, limit=1000, offset=offset)
            )
            ids += [str((p.payload or {}).get("id")) for p in points]
            if offset is None:
                return ids

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter; return how many."""
        if ids is None and filter is None:
            raise ValidationError(
                "delete() needs ids or a filter; use clear() to delete everything"
            )
        flt = translate_filter(filter) if filter else None
        if not await self._ensure(None):
            return 0
        if filter is not None:
            targets = await self._matching(flt)
            if ids is not None:
                wanted = set(check_ids(ids))
                targets = [t for t in targets if t in wanted]
        else:
            targets = [d.id for d in await self.get(check_ids(ids or []))]
        if targets:
            await self._call(
                self.client.delete(
                    self.collection,
                    points_selector=self.m.PointIdsList(points=[point_id(t) for t in targets]),
                    wait=True,
                )
            )
        return len(targets)

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        flt = translate_filter(filter)
        if not await self._ensure(None):
            return 0
        result = await self._call(self.client.count(self.collection, count_filter=flt, exact=True))
        return int(result.count)

    async def clear(self) -> None:
        """Delete every document (the collection stays)."""
        if await self._ensure(None):
            await self._call(
                self.client.delete(
                    self.collection,
                    points_selector=self.m.FilterSelector(filter=self.m.Filter()),
                    wait=True,
                )
            )

    async def close(self) -> None:
        """Close the client."""
        await self.client.close()

    async def _call(self, awaitable: Any) -> Any:
        try:
            return await awaitable
        except (ValidationError, ConfigError):
            raise
        except Exception as exc:
            raise VectorStoreError(f"Qdrant {self.collection!r} failed: {exc}", cause=exc) from exc


def from_url(url: str, **options: Any) -> QdrantVectorStore:
    """Factory for ``qdrant://:memory:``, ``qdrant:///local/folder`` (embedded) and
    ``qdrant://host:6333?collection=kb`` (a server; ``qdrants://`` for https)."""
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if "collection" in query:
        options.setdefault("collection_name", query["collection"])
    if parts.netloc == ":memory:" or url.rstrip("/") in ("qdrant:", "qdrant://:memory:"):
        return QdrantVectorStore(":memory:", **options)
    if not parts.netloc:
        return QdrantVectorStore(
            path=parts.path[1:] if parts.path.startswith("/") else parts.path, **options
        )
    scheme = "https" if parts.scheme == "qdrants" else "http"
    return QdrantVectorStore(f"{scheme}://{parts.netloc}", **options)
