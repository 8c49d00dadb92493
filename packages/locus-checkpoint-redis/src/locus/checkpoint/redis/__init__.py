"""Redis checkpointer for locus (``pip install locus-checkpoint-redis``).

Example:
    >>> from locus.checkpoint import get_checkpointer  # doctest: +SKIP
    >>> cp = get_checkpointer("redis://127.0.0.1:6379/0", ttl=86400)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.redis._checkpointer import RedisCheckpointer
from locus.checkpoint.redis._store import RedisStore

__all__ = ["RedisCheckpointer", "RedisStore", "from_url", "store_from_url"]


def from_url(url: str, **options: Any) -> RedisCheckpointer:
    """Factory for ``redis://`` and ``rediss://`` URLs.

    Args:
        url: redis-py URL (``redis://[:password@]host:port/db``).
        **options: ``prefix``, ``ttl``, ``serde``.
    """
    return RedisCheckpointer.from_url(url, **options)


def store_from_url(url: str, **options: Any) -> RedisStore:
    """Store factory for ``redis://`` / ``rediss://`` URLs (``locus.memory.get_store``).

    Args:
        url: redis-py URL (``redis://[:password@]host:port/db``).
        **options: ``prefix``.
    """
    return RedisStore.from_url(url, **options)
