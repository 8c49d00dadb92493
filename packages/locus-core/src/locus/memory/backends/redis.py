"""The original locus's ``locus.memory.backends.redis`` path, served by locus-checkpoint-redis.

``RedisBackend(config=RedisConfig(url=..., prefix=..., ttl_seconds=...))``
returns a ``RedisCheckpointer`` (:mod:`locus.checkpoint.redis`) on that
server and database, whose keys start with ``prefix`` and expire after
``ttl_seconds``. Without locus-checkpoint-redis the call raises
:class:`ImportError` naming it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel

from locus.memory.backends.adapters import redis_checkpointer

__all__ = ["RedisBackend", "RedisConfig"]


class RedisConfig(BaseModel):
    """Where a :func:`RedisBackend` keeps checkpoints (``db`` unless the URL names one)."""

    url: str = "redis://localhost:6379"
    prefix: str = "locus:state:"
    ttl_seconds: float | None = None
    db: int = 0

    def connection_url(self) -> str:
        """``url`` with ``db`` as its path when the URL names no database."""
        parts = urlsplit(self.url)
        if parts.path.strip("/"):
            return self.url
        return urlunsplit(parts._replace(path=f"/{self.db}"))


def RedisBackend(config: RedisConfig | None = None, **options: Any) -> Any:
    """A ``RedisCheckpointer`` configured by ``config``.

    Args:
        config: Server, key prefix, expiry (defaults: ``redis://localhost:6379/0``).
        **options: More ``RedisCheckpointer.from_url`` options.

    Raises:
        ImportError: locus-checkpoint-redis is not installed.
    """
    config = config or RedisConfig()
    if config.ttl_seconds is not None:
        options.setdefault("ttl", config.ttl_seconds)
    return redis_checkpointer(config.connection_url(), prefix=config.prefix, **options)
