"""``OpenSearchVectorStore``: an OpenSearch index with a ``knn_vector`` field (k-NN plugin).

Needs ``opensearch-py`` (``pip install 'locus-rag[opensearch]'``). Metadata
strings are mapped as ``keyword`` so filters are exact; filters go inside the
k-NN query (efficient filtering of the lucene and faiss engines).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from locus.core.errors import ConfigError, ValidationError, VectorStoreError
from locus.rag.stores._filters import check_filter
from locus.rag.stores._flat import check_ids
from locus.rag.stores.base import BaseVectorStore, Document, Filter, SearchResult, Vector

__all__ = ["OpenSearchVectorStore", "from_url", "index_body", "translate_filter"]

SPACES = {"cosine": "cosinesimil", "dot": "innerproduct", "l2": "l2"}
_RANGE = {"$gt": "gt", "$gte": "gte", "$lt": "lt", "$lte": "lte"}


def index_body(
    dimension: int, metric: str, *, engine: str, m: int, ef_construction: int
) -> dict[str, Any]:
    """Settings and mappings of a k-NN index for ``dimension``-d vectors."""
    return {
        "settings": {"index": {"knn": True}},
        "mappings": {
            "dynamic_templates": [
                {
                    "metadata_strings": {
                        "path_match": "metadata.*",
                        "match_mapping_type": "string",
                        "mapping": {"type": "keyword"},
                    }
                }
            ],
            "properties": {
                "id": {"type": "keyword"},
                "content": {"type": "text"},
                "content_type": {"type": "keyword"},
                "created_at": {"type": "double"},
                "embedding": {
                    "type": "knn_vector",
                    "dimension": dimension,
                    "method": {
                        "name": "hnsw",
                        "space_type": SPACES[metric],
                        "engine": engine,
                        "parameters": {"m": m, "ef_construction": ef_construction},
                    },
                },
            },
        },
    }


def _clause(field: str, op: str, value: Any) -> tuple[str, dict[str, Any]]:
    """(``must`` or ``must_not``, the query clause) for one comparison."""
    if op in ("$eq", "$ne"):
        clause = {"exists": {"field": field}} if value is None else {"term": {field: value}}
        positive = op == "$eq"
        if value is None:
            positive = not positive  # "== None": the field is absent or null
        return ("must" if positive else "must_not"), clause
    if op in ("$in", "$nin"):
        return ("must" if op == "$in" else "must_not"), {"terms": {field: list(value)}}
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValidationError(f"range filters take numbers or strings, got {value!r}")
    return "must", {"range": {field: {_RANGE[op]: value}}}


def translate_filter(filter: Filter | None) -> dict[str, Any] | None:
    """A locus metadata filter as an OpenSearch ``bool`` query (``None`` for none)."""
    if not filter:
        return None
    check_filter(filter)
    must: list[dict[str, Any]] = []
    must_not: list[dict[str, Any]] = []
    for key, cond in filter.items():
        if key in ("$and", "$or"):
            subs = [translate_filter(sub) or {"match_all": {}} for sub in cond]
            if key == "$and":
                must.extend(subs)
            else:
                must.append({"bool": {"should": subs, "minimum_should_match": 1}})
            continue
        ops = cond if isinstance(cond, dict) else {"$eq": cond}
        for op, value in ops.items():
            where, clause = _clause(f"metadata.{key}", op, value)
            (must if where == "must" else must_not).append(clause)
    body: dict[str, Any] = {}
    if must:
        body["filter"] = must
    if must_not:
        body["must_not"] = must_not
    return {"bool": body}


def _score(metric: str, raw: float) -> tuple[float, float]:
    """(locus score, distance) from OpenSearch's ``_score`` for the space."""
    if metric == "cosine":
        cos = 2.0 * raw - 1.0  # cosinesimil scores (1 + cos) / 2
        return cos, 1.0 - cos
    if metric == "dot":
        dot = raw - 1.0 if raw >= 1.0 else 1.0 - 1.0 / raw
        return dot, -dot
    dist = math.sqrt(max(1.0 / raw - 1.0, 0.0))  # l2 scores 1 / (1 + d^2)
    return 1.0 / (1.0 + dist), dist


class OpenSearchVectorStore(BaseVectorStore):
    """An OpenSearch k-NN index as a vector store.

    Args:
        hosts: ``["https://host:9200"]``.
        index_name: The index; created (k-NN mapping) on first add when missing.
        dimension: Vector size; ``None`` takes it from the index or the first add.
        distance_metric: ``cosine``, ``dot`` or ``l2``.
        engine: ``lucene`` (default) or ``faiss``; both filter inside the k-NN search.
        m: HNSW graph degree.
        ef_construction: HNSW build-time candidate list.
        client: An existing ``opensearchpy.AsyncOpenSearch``.
        **client_options: More ``AsyncOpenSearch`` keywords (``http_auth``, ``verify_certs``...).

    Raises:
        ConfigError: opensearch-py is not installed.
    """

    def __init__(
        self,
        hosts: Sequence[str] = ("http://localhost:9200",),
        *,
        index_name: str = "locus-vectors",
        dimension: int | None = None,
        distance_metric: str = "cosine",
        engine: str = "lucene",
        m: int = 16,
        ef_construction: int = 128,
        client: Any = None,
        **client_options: Any,
    ) -> None:
        super().__init__(dimension=dimension, distance_metric=distance_metric, index_type="hnsw")
        if client is None:
            try:
                from opensearchpy import AsyncOpenSearch
            except ImportError as exc:
                raise ConfigError(
                    "OpenSearchVectorStore needs opensearch-py: pip install 'locus-rag[opensearch]'"
                ) from exc
            client = AsyncOpenSearch(hosts=list(hosts), **client_options)
        self.client = client
        self.index = index_name
        self.engine, self.m, self.ef_construction = engine, m, ef_construction
        self._ready = False

    def __repr__(self) -> str:
        return f"OpenSearchVectorStore(index={self.index!r})"

    async def _call(self, awaitable: Any) -> Any:
        try:
            return await awaitable
        except (ValidationError, ConfigError):
            raise
        except Exception as exc:
            raise VectorStoreError(f"OpenSearch index {self.index!r}: {exc}", cause=exc) from exc

    async def _ensure(self, dimension: int | None) -> bool:
        if self._ready:
            return True
        if await self._call(self.client.indices.exists(index=self.index)):
            mapping = await self._call(self.client.indices.get_mapping(index=self.index))
            props = mapping[self.index]["mappings"]["properties"]
            self._check_dimension(int(props["embedding"]["dimension"]), fix=True)
        elif dimension is None:
            return False
        else:
            body = index_body(
                dimension,
                self.config.distance_metric,
                engine=self.engine,
                m=self.m,
                ef_construction=self.ef_construction,
            )
            await self._call(self.client.indices.create(index=self.index, body=body))
        self._ready = True
        return True

    @staticmethod
    def _doc(hit: dict[str, Any]) -> Document:
        src = hit.get("_source") or {}
        return Document(
            id=str(src.get("id", hit.get("_id"))),
            content=str(src.get("content", "")),
            embedding=src.get("embedding"),
            metadata=dict(src.get("metadata") or {}),
            created_at=float(src.get("created_at") or 0.0),
            content_type=str(src.get("content_type", "text")),
        )

    async def add(self, documents: Sequence[Document]) -> list[str]:
        """Index ``documents`` with one ``_bulk`` request (refreshed before returning)."""
        matrix = self._vectors(documents)
        if not len(documents):
            return []
        await self._ensure(matrix.shape[1])
        body: list[dict[str, Any]] = []
        for d, row in zip(documents, matrix, strict=True):
            body.append({"index": {"_index": self.index, "_id": d.id}})
            body.append(
                {
                    "id": d.id,
                    "content": d.content,
                    "metadata": d.metadata,
                    "created_at": d.created_at,
                    "content_type": d.content_type,
                    "embedding": row.tolist(),
                }
            )
        result = await self._call(self.client.bulk(body=body, refresh="wait_for"))
        if result.get("errors"):
            failed = [i for i in result.get("items", []) if i.get("index", {}).get("error")]
            raise VectorStoreError(
                f"OpenSearch rejected {len(failed)} of {len(documents)} documents: "
                f"{failed[0]['index']['error'] if failed else result}"
            )
        return [d.id for d in documents]

    async def search(
        self, embedding: Vector, *, limit: int = 10, filter: Filter | None = None
    ) -> list[SearchResult]:
        """The nearest documents matching ``filter``, best first."""
        query = self._query(embedding, limit)
        knn: dict[str, Any] = {"vector": query.tolist(), "k": limit}
        flt = translate_filter(filter)
        if flt is not None:
            knn["filter"] = flt
        if not await self._ensure(None):
            return []
        body = {
            "size": limit,
            "query": {"knn": {"embedding": knn}},
            "_source": {"excludes": ["embedding"]},
        }
        response = await self._call(self.client.search(index=self.index, body=body))
        out = []
        for hit in response["hits"]["hits"]:
            score, distance = _score(self.config.distance_metric, float(hit["_score"]))
            out.append(SearchResult(self._doc(hit), score, distance))
        return out

    async def get(self, ids: Sequence[str]) -> list[Document]:
        """The documents with these ids that exist, in the order asked."""
        wanted = check_ids(ids)
        if not wanted or not await self._ensure(None):
            return []
        response = await self._call(self.client.mget(index=self.index, body={"ids": wanted}))
        found = {d.id: d for d in (self._doc(h) for h in response["docs"] if h.get("found"))}
        return [found[i] for i in wanted if i in found]

    async def delete(
        self, ids: Sequence[str] | None = None, *, filter: Filter | None = None
    ) -> int:
        """Delete by id and/or filter with ``_delete_by_query``; return how many."""
        if ids is None and filter is None:
            raise ValidationError(
                "delete() needs ids or a filter; use clear() to delete everything"
            )
        clauses: list[dict[str, Any]] = []
        flt = translate_filter(filter) if filter else None
        if flt is not None:
            clauses.append(flt)
        if ids is not None:
            clauses.append({"ids": {"values": check_ids(ids)}})
        query = {"bool": {"filter": clauses}} if clauses else {"match_all": {}}
        if not await self._ensure(None):
            return 0
        result = await self._call(
            self.client.delete_by_query(index=self.index, body={"query": query}, refresh=True)
        )
        return int(result.get("deleted", 0))

    async def count(self, filter: Filter | None = None) -> int:
        """How many documents (matching ``filter``)."""
        flt = translate_filter(filter)
        if not await self._ensure(None):
            return 0
        body = {"query": flt or {"match_all": {}}}
        result = await self._call(self.client.count(index=self.index, body=body))
        return int(result["count"])

    async def clear(self) -> None:
        """Delete every document (the index and its mapping stay)."""
        if await self._ensure(None):
            await self._call(
                self.client.delete_by_query(
                    index=self.index, body={"query": {"match_all": {}}}, refresh=True
                )
            )

    async def close(self) -> None:
        """Close the client."""
        await self.client.close()


def from_url(url: str, **options: Any) -> OpenSearchVectorStore:
    """Factory for ``opensearch://host:9200?index=kb`` (``opensearchs://`` for https)."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if "index" in query:
        options.setdefault("index_name", query["index"])
    scheme = "https" if parts.scheme == "opensearchs" else "http"
    return OpenSearchVectorStore([f"{scheme}://{parts.netloc}"], **options)
