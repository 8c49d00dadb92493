"""Embedding in batches, with retries of transient failures, reporting ``rag.embed.completed``."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from locus.core.errors import EmbeddingError, LocusError, ValidationError
from locus.models.retry import RetryPolicy, retry_async
from locus.observability import current_run_id, emit
from locus.rag.embeddings.base import EmbeddingProvider

__all__ = ["BatchEmbedder"]


def model_name(embedder: object) -> str:
    """The embedder's model name, for events."""
    return str(getattr(embedder, "model", type(embedder).__name__))


class BatchEmbedder:
    """Calls an :class:`EmbeddingProvider` in batches, retrying transient failures.

    Args:
        embedder: The provider.
        batch_size: Texts per ``embed`` call.
        retry: Attempts and backoff; timeouts, rate limits, 5xx and
            connection errors are retried (the classification of
            :func:`locus.models.failover.classify`).
        sleep: Awaitable sleep (tests pass a recorder).
    """

    def __init__(
        self,
        embedder: EmbeddingProvider,
        *,
        batch_size: int = 64,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValidationError(f"embed_batch_size must be >= 1, got {batch_size}")
        self.embedder = embedder
        self.batch_size = batch_size
        self.retry = retry or RetryPolicy(max_attempts=3, initial_delay=0.5)
        self._sleep = sleep

    async def _call(
        self, fn: Callable[[], Awaitable[list[list[float]]]], what: str
    ) -> list[list[float]]:
        try:
            if self._sleep is not None:
                return await retry_async(fn, self.retry, sleep=self._sleep)
            return await retry_async(fn, self.retry)
        except LocusError as exc:
            if isinstance(exc, ValidationError | EmbeddingError):
                raise
            raise EmbeddingError(
                f"{model_name(self.embedder)} failed to embed {what}: {exc}", cause=exc
            ) from exc
        except Exception as exc:
            raise EmbeddingError(
                f"{model_name(self.embedder)} failed to embed {what} "
                f"({type(exc).__name__}: {exc}); nothing was stored",
                cause=exc,
            ) from exc

    async def documents(self, texts: list[str]) -> list[list[float]]:
        """One vector per text; all batches or an :class:`EmbeddingError` (nothing partial)."""
        started = time.perf_counter()
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start : start + self.batch_size]

            async def one(batch: list[str] = batch) -> list[list[float]]:
                return await self.embedder.embed(batch)

            got = await self._call(one, f"texts {start}..{start + len(batch) - 1}")
            if len(got) != len(batch):
                raise EmbeddingError(
                    f"{model_name(self.embedder)} returned {len(got)} vectors for "
                    f"{len(batch)} texts; nothing was stored"
                )
            vectors.extend(got)
        self._report(len(texts), vectors, started)
        return vectors

    async def query(self, text: str) -> list[float]:
        """The query's vector."""
        started = time.perf_counter()

        async def one() -> list[list[float]]:
            return [await self.embedder.embed_query(text)]

        (vector,) = await self._call(one, "the query")
        self._report(1, [vector], started)
        return vector

    def _report(self, count: int, vectors: list[list[float]], started: float) -> None:
        if current_run_id() is None or not vectors:
            return
        emit(
            "rag.embed.completed",
            model=model_name(self.embedder),
            count=count,
            dimensions=len(vectors[0]),
            duration_ms=round((time.perf_counter() - started) * 1000, 3),
        )
