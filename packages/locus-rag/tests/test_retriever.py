"""RAGRetriever: ingest, re-ingest, query stages, retries and events (hashing embedder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from locus.core.errors import EmbeddingError, ModelThrottledError, ValidationError
from locus.models.retry import RetryPolicy
from locus.observability import get_event_bus, run_context
from locus.rag import (
    BM25Reranker,
    HashingEmbeddings,
    InMemoryVectorStore,
    RAGRetriever,
    SQLiteVectorStore,
)

FRUIT = {
    "apple": "Apples are red or green fruit that grow on apple trees in orchards.",
    "banana": "Bananas are long yellow fruit that grow in tropical climates.",
    "postgres": "PostgreSQL is a relational database with transactions and indexes.",
    "redis": "Redis is an in-memory key value store used as a cache.",
}


async def _filled(**options: object) -> RAGRetriever:
    rag = RAGRetriever(HashingEmbeddings(), **options)  # type: ignore[arg-type]
    for name, text in FRUIT.items():
        await rag.add_document(text, source=f"{name}.txt", metadata={"kind": name})
    return rag


async def test_retrieves_the_relevant_document_with_citations() -> None:
    rag = await _filled()
    found = await rag.retrieve("which fruit grow in tropical climates", limit=2)
    assert found.documents[0].document.metadata["source"] == "banana.txt"
    assert found.sources[0] == "banana.txt"
    cite = found.citations[0]
    assert cite["id"] == "banana.txt#0"
    assert cite["chunk_index"] == 0
    context = found.to_context()
    assert context.startswith("[1] (banana.txt; id=banana.txt#0;")
    assert found.total_results == 2
    assert found.stages == ["vector"]


async def test_reingest_replaces_reuses_vectors_and_drops_stale_chunks() -> None:
    emb = HashingEmbeddings()
    rag = RAGRetriever(emb, chunk_size=60, chunk_overlap=0)
    text = "First part about apples and pears. " * 3 + "Second part about databases. " * 3
    ids = await rag.add_document(text, source="doc.md")
    assert ids == [f"doc.md#{i}" for i in range(len(ids))]
    assert len(ids) >= 3
    assert await rag.count() == len(ids)
    embedded_before = sum(emb.calls)

    assert await rag.add_document(text, source="doc.md") == ids
    assert sum(emb.calls) == embedded_before, "unchanged chunks are not re-embedded"

    shorter = "First part about apples and pears. " * 3
    new_ids = await rag.add_document(shorter, source="doc.md")
    assert len(new_ids) < len(ids)
    assert await rag.count() == len(new_ids)
    assert await rag.count({"document_id": "doc.md"}) == len(new_ids)
    assert await rag.delete_document("doc.md") == len(new_ids)
    assert await rag.count() == 0


async def test_filters_threshold_and_limit() -> None:
    rag = await _filled()
    only = await rag.retrieve("fruit", limit=4, filter={"kind": {"$in": ["postgres", "redis"]}})
    assert {r.metadata["kind"] for r in only.documents} <= {"postgres", "redis"}
    strict = await rag.retrieve("red green apple trees orchards", limit=4, threshold=0.5)
    assert [r.metadata["kind"] for r in strict.documents] == ["apple"]
    assert "threshold" in strict.stages
    with pytest.raises(ValidationError):
        await rag.retrieve("", limit=3)
    with pytest.raises(ValidationError):
        await rag.retrieve("x", limit=0)
    with pytest.raises(ValidationError, match="operator"):
        await rag.retrieve("x", filter={"kind": {"$regex": "a"}})


async def test_mmr_prefers_diverse_results() -> None:
    rag = RAGRetriever(HashingEmbeddings())
    await rag.add_document("cache cache cache redis store", doc_id="a")
    await rag.add_document("cache cache cache redis store fast", doc_id="b")
    await rag.add_document("cache invalidation is hard in distributed systems", doc_id="c")
    plain = await rag.retrieve("redis cache store", limit=2)
    assert {r.metadata["document_id"] for r in plain.documents} == {"a", "b"}
    diverse = await rag.retrieve("redis cache store", limit=2, mmr=True, mmr_diversity=0.7)
    assert {r.metadata["document_id"] for r in diverse.documents} == {"a", "c"}
    assert "mmr" in diverse.stages


async def test_bm25_reranker_reorders_by_keywords() -> None:
    rag = await _filled(reranker=BM25Reranker(), rerank_candidate_pool=4)
    found = await rag.retrieve("relational database transactions", limit=2)
    assert found.documents[0].metadata["kind"] == "postgres"
    assert found.stages[-1] == "rerank:bm25"
    assert found.total_results == 4
    skipped = await rag.retrieve("relational database", limit=1, rerank=False)
    assert "rerank:bm25" not in skipped.stages


async def test_hybrid_finds_keyword_only_matches(tmp_path: Path) -> None:
    store = SQLiteVectorStore(tmp_path / "kb.db")
    writer = RAGRetriever(HashingEmbeddings(dimension=16), store)
    for i in range(40):
        await writer.add_document(f"filler text number {i} about nothing much", doc_id=f"f{i}")
    await writer.add_document("the zyxwv protocol handshake", doc_id="target")
    # a second retriever over the same file builds its keyword index from the store
    reader = RAGRetriever(
        HashingEmbeddings(dimension=16),
        SQLiteVectorStore(tmp_path / "kb.db"),
        hybrid=True,
        rerank_candidate_pool=5,
    )
    found = await reader.retrieve("zyxwv", limit=3)
    assert found.documents[0].metadata["document_id"] == "target"
    assert found.stages == ["vector", "keyword", "rrf"]
    await writer.close()
    await reader.close()


class _Flaky:
    """An embedder whose first ``failures`` calls raise a rate-limit error."""

    model = "flaky"

    def __init__(self, failures: int) -> None:
        self.inner = HashingEmbeddings()
        self.failures = failures

    async def embed(self, texts: list[str]) -> list[list[float]]:
        if self.failures:
            self.failures -= 1
            raise ModelThrottledError("429 slow down")
        return await self.inner.embed(texts)

    async def embed_query(self, text: str) -> list[float]:
        return await self.inner.embed_query(text)


async def test_transient_embedding_failures_are_retried() -> None:
    sleeps: list[float] = []

    async def sleep(s: float) -> None:
        sleeps.append(s)

    rag = RAGRetriever(_Flaky(2), retry=RetryPolicy(max_attempts=3, jitter=False), sleep=sleep)
    assert await rag.add_document("retried text", doc_id="d") == ["d#0"]
    assert sleeps == [0.5, 1.0]


async def test_persistent_embedding_failure_stores_nothing() -> None:
    async def sleep(s: float) -> None:
        return None

    store = InMemoryVectorStore()
    rag = RAGRetriever(_Flaky(9), store, retry=RetryPolicy(max_attempts=2), sleep=sleep)
    with pytest.raises(EmbeddingError, match="flaky failed to embed") as info:
        await rag.add_document("text " * 50, doc_id="d")
    assert info.value.kind == "embedding"
    assert await store.count() == 0


async def test_batches_follow_embed_batch_size() -> None:
    emb = HashingEmbeddings()
    rag = RAGRetriever(emb, chunk_size=50, chunk_overlap=0, embed_batch_size=3)
    ids = await rag.add_document("word " * 200, doc_id="long")
    assert len(ids) > 6
    assert max(emb.calls) == 3
    assert sum(emb.calls) == len(ids)


async def test_rag_events_are_published() -> None:
    rag = await _filled(reranker=BM25Reranker())
    async with run_context() as rid:
        await rag.add_document("Kiwis are small brown fruit.", source="kiwi.txt")
        await rag.retrieve("small brown fruit", limit=2)
        events = get_event_bus().history(rid)
    by_type = {e.event_type: e.data for e in events}
    assert by_type["rag.index.added"] == {"store": "InMemoryVectorStore", "count": 1}
    assert by_type["rag.embed.completed"]["model"] == "hashing-256"
    assert by_type["rag.embed.completed"]["dimensions"] == 256
    assert by_type["rag.retrieve.started"]["k"] == 2
    assert by_type["rag.rerank.completed"]["model"] == "bm25"
    done = by_type["rag.retrieve.completed"]
    assert done["count"] == 2
    assert done["store"] == "InMemoryVectorStore"
    assert done["top_score"] > 0


async def test_store_url_and_bad_content() -> None:
    rag = RAGRetriever(HashingEmbeddings(), "memory://")
    assert isinstance(rag.store, InMemoryVectorStore)
    with pytest.raises(ValidationError):
        await rag.add_document(b"bytes")  # type: ignore[arg-type]
