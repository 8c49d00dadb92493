"""Vector stores: the :class:`VectorStore` contract and locus's stores.

``get_vector_store("sqlite:///kb.db")`` builds a store from a URL through
the ``locus_register_vector_stores`` plugin hook.
"""

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
    "Document",
    "Filter",
    "InMemoryVectorStore",
    "SQLiteVectorStore",
    "SearchResult",
    "Vector",
    "VectorStore",
    "VectorStoreConfig",
    "get_vector_store",
    "vector_store_registry",
]
