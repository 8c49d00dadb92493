"""``HashingEmbeddings``: deterministic bag-of-words vectors, for unit tests only."""

from __future__ import annotations

import hashlib
import re

import numpy as np

from locus.core.errors import ValidationError
from locus.rag.embeddings.base import EmbeddingConfig

__all__ = ["HashingEmbeddings"]

_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEmbeddings:
    """Each lower-cased word adds ±1 to a hashed coordinate; vectors are unit length.

    Texts that share words are close, so retrieval tests can assert rankings
    without a model. It knows nothing of meaning (no synonyms): use a real
    model (:class:`~locus.rag.embeddings.local.MiniLMEmbeddings`) for anything else.

    Args:
        dimension: Vector size.
    """

    def __init__(self, dimension: int = 256) -> None:
        if dimension < 8:
            raise ValidationError(f"dimension must be >= 8, got {dimension}")
        self.config = EmbeddingConfig(dimension=dimension, batch_size=1024)
        self.model = f"hashing-{dimension}"
        self.calls: list[int] = []
        """Batch sizes of the :meth:`embed` calls made (for tests of batching)."""

    def __repr__(self) -> str:
        return f"HashingEmbeddings(dimension={self.config.dimension})"

    def _vector(self, text: str) -> list[float]:
        v = np.zeros(self.config.dimension, dtype=np.float64)
        for word in _WORD.findall(text.lower()):
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            h = int.from_bytes(digest, "little")
            v[h % self.config.dimension] += 1.0 if (h >> 63) else -1.0
        norm = float(np.linalg.norm(v))
        return (v / norm).tolist() if norm else v.tolist()

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text."""
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise ValidationError("embed() takes a list of strings; use embed_query() for one")
        self.calls.append(len(texts))
        return [self._vector(t) for t in texts]

    async def embed_query(self, text: str) -> list[float]:
        """The vector of one query (the same function as documents)."""
        return self._vector(text)
