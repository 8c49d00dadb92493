"""locus-rag's plugin: declares ``locus_register_vector_stores`` and registers its stores."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar
from locus.rag._hookspecs import RAGHookspecs

LOCUS_HOOKSPECS = RAGHookspecs
VECTOR_STORE_HOOK = "locus_register_vector_stores"
LOCUS_REGISTRIES: dict[str, tuple[str, dict[str, str]]] = {VECTOR_STORE_HOOK: ("vector store", {})}


@hookimpl
def locus_register_vector_stores(register: Registrar) -> None:
    """``memory://``, ``sqlite:///path.db`` and ``qdrant://...``."""
    register(
        "memory",
        "locus.rag.stores.memory:from_url",
        description="exact numpy search, in this process",
    )
    register(
        "sqlite",
        "locus.rag.stores.sqlite:from_url",
        description="one SQLite file, exact numpy search",
    )
    register(
        "qdrant",
        "locus.rag.stores.qdrant:from_url",
        description="Qdrant: embedded (memory or a folder) or a server (qdrant-client)",
    )
    register("qdrants", "locus.rag.stores.qdrant:from_url", description="Qdrant over https")
    register(
        "pgvector",
        "locus.rag.stores.pgvector:from_url",
        description="PostgreSQL with pgvector (HNSW / IVFFlat), psycopg 3",
    )
    register(
        "opensearch",
        "locus.rag.stores.opensearch:from_url",
        description="OpenSearch k-NN index (opensearch-py)",
    )
    register("opensearchs", "locus.rag.stores.opensearch:from_url", description="OpenSearch, https")
    register(
        "oracle-vector",
        "locus.rag.stores.oracle:from_url",
        description="Oracle Database 23ai/26ai AI Vector Search (oracledb)",
    )
    register(
        "chroma",
        "locus.rag.stores.chroma:from_url",
        description="Chroma, embedded: in memory or a folder (chromadb)",
    )
