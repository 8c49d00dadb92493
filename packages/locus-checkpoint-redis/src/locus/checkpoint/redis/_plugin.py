"""Plugin registration: URL schemes and the backend name (imports nothing heavy)."""

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
