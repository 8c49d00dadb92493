"""``RAGRetriever`` and ``RetrievalResult``."""

from locus.rag.chunking import ChunkConfig
from locus.rag.retriever._result import RetrievalResult
from locus.rag.retriever.retriever import RAGRetriever

__all__ = ["ChunkConfig", "RAGRetriever", "RetrievalResult"]
