"""Rerankers: the :class:`Reranker` contract, BM25 (no model) and OCI Cohere."""

from locus.rag.reranker.base import Reranker
from locus.rag.reranker.bm25 import BM25Reranker
from locus.rag.reranker.cohere_oci import CohereReranker

__all__ = ["BM25Reranker", "CohereReranker", "Reranker"]
