"""Embedding providers behind one :class:`EmbeddingProvider` contract.

``OpenAIEmbeddings``, ``OCIEmbeddings`` and ``OllamaEmbeddings`` are the
clients of locus-openai, locus-oci and locus-ollama, re-exported here
(imported on first use; the message says what to install when missing).
"""

from __future__ import annotations

import importlib
from typing import Any

from locus.rag.embeddings.base import (
    BaseEmbedding,
    EmbeddingConfig,
    EmbeddingProvider,
    EmbeddingResult,
)
from locus.rag.embeddings.hashing import HashingEmbeddings
from locus.rag.embeddings.local import MiniLMEmbeddings

__all__ = [
    "BaseEmbedding",
    "EmbeddingConfig",
    "EmbeddingProvider",
    "EmbeddingResult",
    "HashingEmbeddings",
    "MiniLMEmbeddings",
    "OCIEmbeddings",
    "OllamaEmbeddings",
    "OpenAIEmbeddings",
]

_PROVIDED = {
    "OpenAIEmbeddings": ("locus.openai", "locus-openai"),
    "OCIEmbeddings": ("locus.oci", "locus-oci"),
    "OllamaEmbeddings": ("locus.ollama", "locus-ollama"),
}


def __getattr__(name: str) -> Any:
    if name not in _PROVIDED:
        raise AttributeError(f"module 'locus.rag.embeddings' has no attribute {name!r}")
    module, dist = _PROVIDED[name]
    try:
        value = getattr(importlib.import_module(module), name)
    except ImportError as exc:
        raise ImportError(f"{name} comes from {dist}: pip install {dist}") from exc
    globals()[name] = value
    return value
