"""locus RAG: retrieve cited passages from your documents for agents.

```python no-run
from locus.rag import RAGRetriever, MiniLMEmbeddings

rag = RAGRetriever(MiniLMEmbeddings(), "sqlite:///kb.db", chunking="markdown")
await rag.add_file("docs/guide.md")
hits = await rag.retrieve("how do I resume a thread?", limit=3)
print(hits.to_context())
```

See ``docs/rag.md``.
"""

from __future__ import annotations

from typing import Any

from locus.rag.chunking import Chunk, ChunkConfig, chunk_text
from locus.rag.embeddings import (
    BaseEmbedding,
    EmbeddingConfig,
    EmbeddingProvider,
    EmbeddingResult,
    HashingEmbeddings,
    MiniLMEmbeddings,
)
from locus.rag.multimodal import ContentType, MultimodalProcessor, ProcessedContent, process_content
from locus.rag.reranker import BM25Reranker, CohereReranker, Reranker
from locus.rag.retriever import RAGRetriever, RetrievalResult
from locus.rag.stores import (
    BaseVectorStore,
    Document,
    InMemoryVectorStore,
    SearchResult,
    SQLiteVectorStore,
    VectorStore,
    VectorStoreConfig,
    get_vector_store,
)
from locus.rag.tools import RAGToolkit, create_rag_context_tool, create_rag_tool


def __getattr__(name: str) -> Any:
    # stores whose client library is an optional extra import on first use
    import locus.rag.stores as stores

    if name in stores._OPTIONAL:
        return getattr(stores, name)
    raise AttributeError(f"module 'locus.rag' has no attribute {name!r}")


__all__ = [
    "BM25Reranker",
    "BaseEmbedding",
    "BaseVectorStore",
    "ChromaVectorStore",
    "Chunk",
    "ChunkConfig",
    "CohereReranker",
    "ContentType",
    "Document",
    "EmbeddingConfig",
    "EmbeddingProvider",
    "EmbeddingResult",
    "HashingEmbeddings",
    "InMemoryVectorStore",
    "MiniLMEmbeddings",
    "MultimodalProcessor",
    "OpenSearchVectorStore",
    "OracleVectorStore",
    "PgVectorStore",
    "ProcessedContent",
    "QdrantVectorStore",
    "RAGRetriever",
    "RAGToolkit",
    "Reranker",
    "RetrievalResult",
    "SQLiteVectorStore",
    "SearchResult",
    "VectorStore",
    "VectorStoreConfig",
    "chunk_text",
    "create_rag_context_tool",
    "create_rag_tool",
    "get_vector_store",
    "process_content",
]
