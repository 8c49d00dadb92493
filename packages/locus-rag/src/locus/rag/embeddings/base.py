"""The embedding contract: :class:`EmbeddingProvider`.

The clients already in locus satisfy it as they are —
:class:`locus.openai.OpenAIEmbeddings`, :class:`locus.oci.OCIEmbeddings`
(Cohere; ``embed_query`` sends ``input_type=SEARCH_QUERY``) and
:class:`locus.ollama.OllamaEmbeddings` — as do the local
:class:`~locus.rag.embeddings.local.MiniLMEmbeddings` and the test-only
:class:`~locus.rag.embeddings.hashing.HashingEmbeddings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["BaseEmbedding", "EmbeddingConfig", "EmbeddingProvider", "EmbeddingResult"]


@runtime_checkable
class EmbeddingProvider(Protocol):
    """Turns text into vectors; documents and queries may be embedded differently.

    Implementations raise :class:`~locus.core.errors.ValidationError` for
    input that is not a list of strings and a
    :class:`~locus.core.errors.LocusError` subclass (``ModelError``,
    ``EmbeddingError``) when the model fails.
    """

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per document text, in order."""
        ...

    async def embed_query(self, text: str) -> list[float]:
        """The vector of one search query."""
        ...


@dataclass(frozen=True)
class EmbeddingConfig:
    """Facts about an embedding model.

    Attributes:
        dimension: Vector size.
        max_tokens: Longest input the model reads (longer input is truncated).
        batch_size: Texts per model call.
    """

    dimension: int
    max_tokens: int = 8192
    batch_size: int = 96


@dataclass(frozen=True)
class EmbeddingResult:
    """One embedded text.

    Attributes:
        embedding: The vector.
        text: The text embedded.
        model: The model's name.
        tokens: Tokens read, when known.
    """

    embedding: list[float]
    text: str
    model: str
    tokens: int | None = None


BaseEmbedding = EmbeddingProvider
"""The original locus's name of the embedding contract (subclass it or match it)."""
