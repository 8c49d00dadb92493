"""Plugin registration: URL schemes, the backend name and the store (imports nothing heavy)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_checkpointers(register: Registrar) -> None:
    """``redis://`` and ``rediss://`` (TLS)."""
    for scheme in ("redis", "rediss"):
        register(scheme, "locus.checkpoint.redis:from_url", description="Redis (redis-py asyncio)")


@hookimpl
def locus_register_backends(register: Registrar) -> None:
    """``locus.memory.backends.RedisCheckpointer``."""
    register("RedisCheckpointer", "locus.checkpoint.redis:RedisCheckpointer")


@hookimpl
def locus_register_stores(register: Registrar) -> None:
    """``locus.memory.get_store("redis://...")``: :class:`RedisStore`."""
    for scheme in ("redis", "rediss"):
        register(scheme, "locus.checkpoint.redis:store_from_url", description="Redis store")
