"""Vector stores: the :class:`VectorStore` contract and locus's stores.

``get_vector_store("sqlite:///kb.db")`` builds a store from a URL through
the ``locus_register_vector_stores`` plugin hook. Stores whose client
library is an extra (``QdrantVectorStore``...) import on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

from locus.rag.stores._url import get_vector_store, vector_store_registry
from locus.rag.stores.base import (
    DISTANCE_METRICS,
    BaseVectorStore,
    Document,
    Filter,
    SearchResult,
    Vector,
    VectorStore,
    VectorStoreConfig,
)
from locus.rag.stores.memory import InMemoryVectorStore
from locus.rag.stores.sqlite import SQLiteVectorStore

__all__ = [
    "DISTANCE_METRICS",
    "BaseVectorStore",
    "ChromaVectorStore",
    "Document",
    "Filter",
    "InMemoryVectorStore",
    "OpenSearchVectorStore",
    "OracleVectorStore",
    "PgVectorStore",
    "QdrantVectorStore",
    "SQLiteVectorStore",
    "SearchResult",
    "Vector",
    "VectorStore",
    "VectorStoreConfig",
    "get_vector_store",
    "vector_store_registry",
]

_OPTIONAL = {
    "ChromaVectorStore": "locus.rag.stores.chroma",
    "QdrantVectorStore": "locus.rag.stores.qdrant",
    "PgVectorStore": "locus.rag.stores.pgvector",
    "OpenSearchVectorStore": "locus.rag.stores.opensearch",
    "OracleVectorStore": "locus.rag.stores.oracle",
}


def __getattr__(name: str) -> Any:
    module = _OPTIONAL.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.rag.stores' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
