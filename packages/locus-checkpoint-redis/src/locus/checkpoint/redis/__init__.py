"""Redis checkpointer for locus (``pip install locus-checkpoint-redis``).

Example:
    >>> from locus.checkpoint import get_checkpointer  # doctest: +SKIP
    >>> cp = get_checkpointer("redis://127.0.0.1:6379/0", ttl=86400)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.redis._checkpointer import RedisCheckpointer

__all__ = ["RedisCheckpointer", "from_url"]


def from_url(url: str, **options: Any) -> RedisCheckpointer:
    """Factory for ``redis://`` and ``rediss://`` URLs.

    Args:
        url: redis-py URL (``redis://[:password@]host:port/db``).
        **options: ``prefix``, ``ttl``, ``serde``.
    """
    return RedisCheckpointer.from_url(url, **options)
