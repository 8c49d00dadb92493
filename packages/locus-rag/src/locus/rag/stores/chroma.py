"""``ChromaVectorStore``: Chroma, embedded and persistent (a folder) or in memory.

Needs ``chromadb`` (``pip install 'locus-rag[chroma]'``). Chroma metadata
holds only flat scalars, merges on upsert and drops ``None``; so the full
metadata is kept as JSON under ``_locus_meta`` (what :meth:`get` returns),
scalar values are copied beside it for filtering, and an ``add`` replaces a
document (delete, then add) so no stale keys survive. Telemetry is off.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from typing import Any

from locus.core.errors import ConfigError, ValidationError, VectorStoreError
from locus.rag.stores._filters import check_filter
from locus.rag.stores._flat import check_ids
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["ChromaVectorStore", "from_url", "translate_filter"]

_PAGE = 5000
_META = "_locus_meta"
_SPACES = {"cosine": "cosine", "dot": "ip", "l2": "l2"}


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int | float | bool)


def translate_filter(filter: Filter | None) -> dict[str, Any] | None:
    """A locus filter as a Chroma ``where`` (one condition per dict, joined by ``$and``)."""
    if not filter:
        return None
    check_filter(filter)
    parts: list[dict[str, Any]] = []
    for key, cond in filter.items():
        if key in ("$and", "$or"):
            subs = [translate_filter(sub) or {} for sub in cond]
            parts.append(subs[0] if len(subs) == 1 else {key: subs})
            continue
        ops = cond if isinstance(cond, dict) else {"$eq": cond}
        for op, value in ops.items():
            values = value if op in ("$in", "$nin") else [value]
            if not all(_scalar(v) for v in values):
                raise ValidationError(
                    f"Chroma filters compare strings, numbers and booleans, not {value!r}"
                )
            parts.append({key: {op: list(value) if op in ("$in", "$nin") else value}})
    return parts[0] if len(parts) == 1 else {"$and": parts}


class ChromaVectorStore(BaseVectorStore):
    """A Chroma collection as a vector store.

    Args:
        persist_directory: A folder for embedded, persistent Chroma; ``None``: in memory.
        collection_name: The collection (3-512 characters of ``[a-zA-Z0-9._-]``).
        dimension: Vector size; ``None`` takes it from the first add.
        distance_metric: ``cosine``, ``dot`` (``ip``) or ``l2``; fixed at creation.
        client: An existing chromadb client.

    Raises:
        ConfigError: chromadb is not installed.
    """

    def __init__(
        self,
        persist_directory: str | None = None,
        *,
        collection_name: str = "locus",
        dimension: int | None = None,
        distance_metric: str = "cosine",
        client: Any = None,
    ) -> None:
        super().__init__(dimension=dimension, distance_metric=distance_metric, index_type="hnsw")
        try:
            import chromadb
            from chromadb.config import Settings
        except ImportError as exc:
            raise ConfigError(
                "ChromaVectorStore needs chromadb: pip install 'locus-rag[chroma]'"
            ) from exc
        if client is None:
            settings = Settings(anonymized_telemetry=False, allow_reset=False)
            client = (
                chromadb.PersistentClient(path=persist_directory, settings=settings)
                if persist_directory
                else chromadb.EphemeralClient(settings=settings)
            )
        self.client = client
        try:
            self.collection = client.get_or_create_collection(
                collection_name,
                embedding_function=None,
                metadata={"hnsw:space": _SPACES[distance_metric]},
            )
        except Exception as exc:
            raise VectorStoreError(
                f"Chroma collection {collection_name!r}: {exc}", cause=exc
            ) from exc

    def __repr__(self) -> str:
        return f"ChromaVectorStore(collection={self.collection.name!r})"

    async def _call(self, fn: Any, /, **kwargs: Any) -> Any:
        # chromadb's client is synchronous: its calls run in a worker thread
        try:
            return await asyncio.to_thread(fn, **kwargs)
        except (ValidationError, ConfigError):
            raise
        except Exception as exc:
            raise VectorStoreError(
                f"Chroma collection {self.collection.name!r}: {exc}", cause=exc
            ) from exc

    async def _learn_dimension(self) -> None:
        if self.config.dimension is None and await self._call(self.collection.count):
            got = await self._call(self.collection.peek, limit=1)
            embeddings = got.get("embeddings")
            if embeddings is not None and len(embeddings):
                self._check_dimension(len(embeddings[0]), fix=True)

    @staticmethod
    def _document(
        doc_id: str, text: str | None, meta: dict[str, Any] | None, vector: Any
    ) -> Document:
        raw = dict(meta or {})
        stored = json.loads(raw.get(_META) or "{}")
        return Document(
            id=doc_id,
            content=text or "",
            embedding=None if vector is None else [float(x) for x in vector],
            metadata=stored.get("metadata", {}),
            created_at=float(stored.get("created_at", 0.0)),
            content_type=str(stored.get("content_type", "text")),
        )

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Replace ``documents`` by id (delete, then add); return their ids."""
        await self._learn_dimension()
        matrix = self._vectors(documents)
        if not len(documents):
            return []
        metas = []
        for d in documents:
            try:
                envelope = json.dumps(
                    {
                        "metadata": d.metadata,
                        "created_at": d.created_at,
                        "content_type": d.content_type,
                    },
                    allow_nan=False,
                )
            except (TypeError, ValueError) as exc:
                raise ValidationError(
                    f"metadata must be JSON-compatible: {exc}", cause=exc
                ) from exc
            flat = {k: v for k, v in d.metadata.items() if _scalar(v) and k != _META}
            metas.append({**flat, _META: envelope})
        ids = [d.id for d in documents]
        await self._call(self.collection.delete, ids=ids)
        await self._call(
            self.collection.add,
            ids=ids,
            embeddings=matrix.tolist(),
            documents=[d.content for d in documents],
            metadatas=metas,
        )
        return ids

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The nearest documents matching ``filter``, best first."""
        await self._learn_dimension()
        query = self._query(embedding, limit)
        where = translate_filter(filter)
        count = await self._call(self.collection.count)
        if count == 0:
            return []
        got = await self._call(
            self.collection.query,
            query_embeddings=[query.tolist()],
            n_results=min(limit, count),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        out = []
        for doc_id, text, meta, d in zip(
            got["ids"][0],
            got["documents"][0],
            got["metadatas"][0],
            got["distances"][0],
            strict=True,
        ):
            d = float(d)
            score = {"cosine": 1.0 - d, "dot": 1.0 - d, "l2": 1.0 / (1.0 + d**0.5)}[
                self.config.distance_metric
            ]
            distance = d**0.5 if self.config.distance_metric == "l2" else d
            out.append(SearchResult(self._document(doc_id, text, meta, None), score, distance))
        return out

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        wanted = check_ids(ids)
        if not wanted:
            return []
        got = await self._call(
            self.collection.get, ids=wanted, include=["embeddings", "documents", "metadatas"]
        )
        vectors = got.get("embeddings")
        found = {
            doc_id: self._document(doc_id, text, meta, None if vectors is None else vectors[n])
            for n, (doc_id, text, meta) in enumerate(
                zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            )
        }
        return [found[i] for i in wanted if i in found]

    async def documents(self) -> list[Document]:
        """Every document, without embeddings (the retriever's keyword index reads these)."""
        docs: list[Document] = []
        while True:
            got = await self._call(
                self.collection.get,
                include=["documents", "metadatas"],
                limit=_PAGE,
                offset=len(docs),
            )
            docs += [
                self._document(doc_id, text, meta, None)
                for doc_id, text, meta in zip(
                    got["ids"], got["documents"], got["metadatas"], strict=True
                )
            ]
            if len(got["ids"]) < _PAGE:
                return docs

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter; return how many."""
        if ids is None and filter is None:
            raise ValidationError(
                "delete() needs ids or a filter; use clear() to delete everything"
            )
        where = translate_filter(filter) if filter else None
        selected = (
            await self._call(
                self.collection.get,
                ids=check_ids(ids) if ids is not None else None,
                where=where,
                include=[],
            )
        )["ids"]
        if selected:
            await self._call(self.collection.delete, ids=list(selected))
        return len(selected)

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        if not filter:
            return int(await self._call(self.collection.count))
        where = translate_filter(filter)
        return len((await self._call(self.collection.get, where=where, include=[]))["ids"])

    async def clear(self) -> None:
        """Delete every document (the collection stays)."""
        selected = (await self._call(self.collection.get, include=[]))["ids"]
        if selected:
            await self._call(self.collection.delete, ids=list(selected))

    async def close(self) -> None:
        """Nothing to release (Chroma's embedded client closes with the process)."""


def from_url(url: str, **options: Any) -> ChromaVectorStore:
    """Factory for ``chroma://`` (in memory) and ``chroma:///path/to/folder`` (persistent)."""
    from urllib.parse import urlsplit

    path = urlsplit(url).path
    path = path[1:] if path.startswith("/") else path
    return ChromaVectorStore(path or None, **options)
