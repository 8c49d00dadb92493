"""``RAGRetriever``: ingest documents into a vector store and query them."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from locus.core.errors import ValidationError
from locus.models.retry import RetryPolicy
from locus.observability import current_run_id, emit
from locus.plugins import resolve_target
from locus.rag.chunking import ChunkConfig, Strategy, chunk_text
from locus.rag.embeddings.base import EmbeddingProvider
from locus.rag.reranker._bm25 import BM25Index
from locus.rag.reranker.base import Reranker
from locus.rag.retriever._embed import BatchEmbedder, model_name
from locus.rag.retriever._ingest import chunk_documents, default_doc_id, embed_missing
from locus.rag.retriever._ranking import mmr_select, reciprocal_rank_fusion
from locus.rag.retriever._result import RetrievalResult
from locus.rag.stores._filters import check_filter, matches
from locus.rag.stores.base import Document, Filter, SearchResult, VectorStore
from locus.rag.stores.memory import InMemoryVectorStore

__all__ = ["RAGRetriever"]


class RAGRetriever:
    """Chunks, embeds and stores documents; answers queries with cited chunks.

    Args:
        embedder: Any :class:`~locus.rag.embeddings.base.EmbeddingProvider`.
        store: A :class:`~locus.rag.stores.base.VectorStore`, a store URL
            (``"sqlite:///kb.db"``), or ``None`` for an in-memory store.
        chunk_size: Characters per chunk (tokens for ``chunking="tokens"``).
        chunk_overlap: How much consecutive chunks share.
        chunking: ``characters``, ``tokens``, ``sentences`` or ``markdown``.
        reranker: Reorders each query's candidates (e.g. ``CohereReranker``,
            ``BM25Reranker``).
        rerank_candidate_pool: Candidates fetched for reranking or MMR.
        hybrid: Fuse keyword (BM25) and vector rankings by reciprocal rank
            fusion. The keyword index covers the store's documents when the
            store can list them (the in-memory and SQLite stores can), else
            those added through this retriever.
        embed_batch_size: Texts per embedding call.
        retry: Retries of transient embedding failures.

    Raises:
        ValidationError: Bad chunking settings.
    """

    def __init__(
        self,
        embedder: EmbeddingProvider,
        store: VectorStore | str | None = None,
        *,
        chunk_size: int = 1000,
        chunk_overlap: int = 200,
        chunking: Strategy = "characters",
        reranker: Reranker | None = None,
        rerank_candidate_pool: int = 20,
        hybrid: bool = False,
        embed_batch_size: int = 64,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if isinstance(store, str):
            from locus.rag.stores._url import get_vector_store

            store = get_vector_store(store)
        self.embedder = embedder
        self.store: VectorStore = store if store is not None else InMemoryVectorStore()
        self.chunking = ChunkConfig(chunk_size, chunk_overlap, strategy=chunking)
        self.reranker = reranker
        if rerank_candidate_pool < 1:
            raise ValidationError("rerank_candidate_pool must be >= 1")
        self.rerank_candidate_pool = rerank_candidate_pool
        self.hybrid = hybrid
        self._embed = BatchEmbedder(embedder, batch_size=embed_batch_size, retry=retry, sleep=sleep)
        self._keywords: BM25Index | None = None
        self._keyword_meta: dict[str, dict[str, Any]] = {}

    @property
    def chunk_size(self) -> int:
        """Characters (or tokens) per chunk."""
        return self.chunking.chunk_size

    @property
    def chunk_overlap(self) -> int:
        """Overlap between consecutive chunks."""
        return self.chunking.chunk_overlap

    def __repr__(self) -> str:
        return f"RAGRetriever(embedder={self.embedder!r}, store={self.store!r})"

    # -- ingest ------------------------------------------------------------------

    async def add_document(
        self,
        content: str,
        *,
        doc_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        source: str | None = None,
        content_type: str = "text",
    ) -> list[str]:
        """Chunk, embed and store one document; return its chunk ids.

        Re-adding the same ``doc_id`` (by default the ``source``, else a
        digest of the content) replaces the document: chunk ids are
        ``<doc_id>#<n>``, unchanged chunks keep their vectors without a model
        call, and chunks past the new end are deleted.

        Raises:
            ValidationError: ``content`` is not a string.
            EmbeddingError: The model failed after retries; the store is unchanged.
        """
        if not isinstance(content, str):
            raise ValidationError(f"content must be a string, got {type(content).__name__}")
        meta = dict(metadata or {})
        if source is not None:
            meta.setdefault("source", source)
        doc_id = doc_id or default_doc_id(content, meta.get("source"))
        strategy = (
            "markdown"
            if content_type == "markdown" and self.chunking.strategy == "characters"
            else self.chunking.strategy
        )
        chunks = chunk_text(content, replace(self.chunking, strategy=strategy))
        docs = chunk_documents(doc_id, chunks, meta, content_type)
        await embed_missing(docs, self.store, self._embed, model_name(self.embedder))
        if docs:
            await self.store.add(docs)
        # chunk ids are contiguous, so an older, longer version of this document
        # exists exactly when the id just past the new end does (one lookup,
        # not a filtered scan, on every ingest)
        if await self.store.get([f"{doc_id}#{len(docs)}"]):
            await self.store.delete(
                filter={"document_id": doc_id, "chunk_index": {"$gte": len(docs)}}
            )
        if self._keywords is not None:
            self._keywords.remove([i for i in self._keywords_ids() if i.startswith(f"{doc_id}#")])
            self._index_keywords(docs)
        if current_run_id() is not None:
            emit("rag.index.added", store=type(self.store).__name__, count=len(docs))
        return [d.id for d in docs]

    async def add_documents(
        self, documents: Iterable[str | tuple[str, dict[str, Any]]]
    ) -> list[str]:
        """Add several documents: texts, or ``(text, metadata)`` pairs; return all chunk ids."""
        ids: list[str] = []
        for item in documents:
            if isinstance(item, tuple):
                text, meta = item
                ids += await self.add_document(text, metadata=meta, source=meta.get("source"))
            else:
                ids += await self.add_document(item)
        return ids

    async def add_file(
        self, path: str | Path, *, doc_id: str | None = None, metadata: dict[str, Any] | None = None
    ) -> list[str]:
        """Read a text, markdown, HTML or PDF file and add it with ``source`` = the path.

        See :func:`~locus.rag.multimodal.process_content` for the formats.
        """
        from locus.rag.multimodal import process_content

        processed = await asyncio.to_thread(process_content, Path(path))
        meta = {**processed.metadata, **(metadata or {})}
        return await self.add_document(
            processed.text,
            doc_id=doc_id,
            metadata=meta,
            source=str(path),
            content_type=processed.content_type.value,
        )

    add_pdf = add_file

    async def add_image(
        self,
        image: str | Path | bytes,
        *,
        vision_model: Any,
        doc_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> list[str]:
        """Have ``vision_model`` describe an image and add the description.

        Raises:
            ValidationError: Not a PNG, JPEG, GIF or WebP image.
            locus.core.errors.ModelError: The vision model failed.
        """
        from locus.rag.multimodal import ContentType, MultimodalProcessor

        content = Path(image) if isinstance(image, str) else image
        processed = await MultimodalProcessor(vision_model).aprocess(content, ContentType.IMAGE)
        meta = {**processed.metadata, **(metadata or {})}
        return await self.add_document(
            processed.text,
            doc_id=doc_id,
            metadata=meta,
            source=meta.get("source"),
            content_type="image",
        )

    async def delete_document(self, doc_id: str) -> int:
        """Delete a document's chunks; return how many."""
        removed = await self.store.delete(filter={"document_id": doc_id})
        if self._keywords is not None:
            self._keywords.remove([i for i in self._keywords_ids() if i.startswith(f"{doc_id}#")])
        return removed

    async def clear(self) -> None:
        """Delete every chunk in the store."""
        await self.store.clear()
        self._keywords = None
        self._keyword_meta = {}

    async def count(self, filter: Filter | None = None) -> int:
        """Chunks stored (matching ``filter``)."""
        return await self.store.count(filter)

    async def get(self, ids: list[str]) -> list[Document]:
        """Chunks by id (for fetch-by-citation)."""
        return await self.store.get(ids)

    async def close(self) -> None:
        """Close the store."""
        await self.store.close()

    # -- query -------------------------------------------------------------------

    async def retrieve(
        self,
        query: str,
        *,
        limit: int = 5,
        filter: Filter | None = None,
        threshold: float | None = None,
        mmr: bool = False,
        mmr_diversity: float = 0.5,
        rerank: bool = True,
    ) -> RetrievalResult:
        """The chunks most relevant to ``query``.

        Stages, in order: vector search (``limit``, or ``rerank_candidate_pool``
        candidates when reranking, MMR or hybrid search follows); ``threshold``
        drops vector hits whose score (see
        :class:`~locus.rag.stores.base.SearchResult`) is lower; with
        ``hybrid``, fusion with the BM25 ranking (keyword-only hits have no
        vector score and are not thresholded); ``mmr`` picks ``limit`` diverse
        hits; the reranker reorders; the list is cut to ``limit``. Each hit's
        ``score`` is that of the last stage that scored it: vector similarity,
        the fused RRF score, or the reranker's.

        Raises:
            ValidationError: Empty query, ``limit < 1`` or a bad filter.
            EmbeddingError: The query could not be embedded.
        """
        if not isinstance(query, str) or not query.strip():
            raise ValidationError("retrieve() needs a non-empty query string")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError(f"limit must be a positive int, got {limit!r}")
        if filter is not None:
            check_filter(filter)
        started = time.perf_counter()
        store_name = type(self.store).__name__
        observed = current_run_id() is not None
        if observed:
            emit("rag.retrieve.started", store=store_name, query_preview=query[:120], k=limit)
        stages = ["vector"]
        vector = await self._embed.query(query)
        reranking = rerank and self.reranker is not None
        pool = max(limit, self.rerank_candidate_pool) if reranking or mmr or self.hybrid else limit
        hits = await self.store.search(vector, limit=pool, filter=filter)
        total = len(hits)
        if threshold is not None:
            hits = [h for h in hits if h.score >= threshold]
            stages.append("threshold")
        if self.hybrid:
            hits = await self._fuse(query, hits, pool, filter)
            stages += ["keyword", "rrf"]
        if mmr and hits:
            embedded = {d.id: d.embedding for d in await self.store.get([h.id for h in hits])}
            hits = [h for h in hits if embedded.get(h.id) is not None]
            vectors = [embedded[h.id] for h in hits]
            hits = mmr_select(vector, hits, vectors, limit=limit, diversity=mmr_diversity)  # type: ignore[arg-type]
            stages.append("mmr")
        if reranking and hits:
            assert self.reranker is not None
            hits = await self.reranker.rerank(query, hits, top_n=limit)
            name = model_name(self.reranker)
            stages.append(f"rerank:{name}")
            if observed:
                emit(
                    "rag.rerank.completed",
                    model=name,
                    count=len(hits),
                    top_score=hits[0].score if hits else None,
                )
        hits = hits[:limit]
        if observed:
            emit(
                "rag.retrieve.completed",
                store=store_name,
                count=len(hits),
                top_score=hits[0].score if hits else None,
                duration_ms=round((time.perf_counter() - started) * 1000, 3),
            )
        return RetrievalResult(hits, query, total, stages)

    async def retrieve_text(self, query: str, *, limit: int = 5, **options: Any) -> str:
        """The hits as numbered, cited passages (see :meth:`RetrievalResult.to_context`)."""
        return (await self.retrieve(query, limit=limit, **options)).to_context()

    def as_tool(self, **options: Any) -> Any:
        """A search tool for agents (see :func:`locus.rag.tools.create_rag_tool`)."""
        # tools sit above the retriever: named by string, not imported from here
        create_rag_tool = resolve_target("locus.rag.tools:create_rag_tool")
        return create_rag_tool(self, **options)

    # -- hybrid ------------------------------------------------------------------

    def _keywords_ids(self) -> list[str]:
        return list(self._keyword_meta)

    def _index_keywords(self, docs: Iterable[Document]) -> None:
        assert self._keywords is not None
        for doc in docs:
            self._keywords.add(doc.id, doc.content)
            self._keyword_meta[doc.id] = doc.metadata

    async def _keyword_index(self) -> BM25Index:
        if self._keywords is None:
            self._keywords = BM25Index()
            listing = getattr(self.store, "documents", None)
            if callable(listing):
                self._index_keywords(await listing())
        return self._keywords

    async def _fuse(
        self,
        query: str,
        hits: list[SearchResult],
        pool: int,
        filter: Filter | None,
    ) -> list[SearchResult]:
        index = await self._keyword_index()
        scores = index.scores(query)
        keyword = sorted(
            (i for i in scores if matches(self._keyword_meta.get(i, {}), filter)),
            key=lambda i: -scores[i],
        )[:pool]
        by_id = {h.id: h for h in hits}
        fused = reciprocal_rank_fusion([[h.id for h in hits], keyword])
        missing = [i for i, _ in fused if i not in by_id]
        for doc in await self.store.get(missing):
            by_id[doc.id] = SearchResult(replace(doc, embedding=None), 0.0, None)
        return [replace(by_id[i], score=s) for i, s in fused if i in by_id]
