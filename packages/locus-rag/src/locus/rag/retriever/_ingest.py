"""From a document to stored chunks: chunk, reuse unchanged vectors, embed the rest."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from locus.rag.chunking import Chunk
from locus.rag.retriever._embed import BatchEmbedder
from locus.rag.stores.base import Document, VectorStore

__all__ = ["chunk_documents", "content_hash", "default_doc_id", "embed_missing"]


def content_hash(text: str) -> str:
    """A short, stable digest of a chunk's text."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def default_doc_id(content: str, source: str | None) -> str:
    """The source when given (so re-ingesting a file replaces it), else the content's digest."""
    return source if source else f"doc-{content_hash(content)}"


def chunk_documents(
    doc_id: str,
    chunks: list[Chunk],
    metadata: dict[str, Any],
    content_type: str,
) -> list[Document]:
    """One :class:`Document` per chunk, id ``<doc_id>#<index>``, with citation metadata."""
    now = time.time()
    docs = []
    for chunk in chunks:
        meta = {
            **metadata,
            "document_id": doc_id,
            "chunk_index": chunk.index,
            "chunk_count": len(chunks),
            "start": chunk.start,
            "end": chunk.end,
            "content_hash": content_hash(chunk.text),
        }
        if chunk.section is not None:
            meta["section"] = chunk.section
        docs.append(Document(f"{doc_id}#{chunk.index}", chunk.text, None, meta, now, content_type))
    return docs


async def embed_missing(
    docs: list[Document], store: VectorStore, embedder: BatchEmbedder, model: str
) -> int:
    """Fill each document's embedding, reusing the stored vector of an unchanged chunk.

    A chunk is unchanged when the store holds its id with the same text
    digest and the same embedding model. Returns how many were embedded.
    """
    existing = {d.id: d for d in await store.get([d.id for d in docs])}
    todo: list[Document] = []
    for doc in docs:
        old = existing.get(doc.id)
        doc.metadata["embedding_model"] = model
        if (
            old is not None
            and old.embedding is not None
            and old.metadata.get("content_hash") == doc.metadata["content_hash"]
            and old.metadata.get("embedding_model") == model
        ):
            doc.embedding = old.embedding
        else:
            todo.append(doc)
    if todo:
        vectors = await embedder.documents([d.content for d in todo])
        for doc, vector in zip(todo, vectors, strict=True):
            doc.embedding = vector
    return len(todo)
