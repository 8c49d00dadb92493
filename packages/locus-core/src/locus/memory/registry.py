"""Stores by URL: ``get_store("postgresql://...")`` through the ``locus_register_stores`` hook."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.memory.store import BaseStore, InMemoryStore

__all__ = ["get_store", "list_stores", "memory_store"]


def memory_store(url: str, **options: Any) -> InMemoryStore:
    """Factory of ``memory://`` (takes no options)."""
    if options:
        raise ValidationError(f"memory:// takes no options, got {sorted(options)}")
    return InMemoryStore()


def get_store(url: str, **options: Any) -> BaseStore:
    """Build the cross-thread store a URL names.

    Args:
        url: ``"memory://"``, or a scheme a plugin registers:
            ``"postgresql://user@host/db"`` (locus-checkpoint-postgres),
            ``"redis://host:6379/0"`` (locus-checkpoint-redis).
        **options: Passed to the backend's factory (``prefix=``, ``schema=``...).

    Raises:
        locus.core.errors.ValidationError: ``url`` has no scheme.
        locus.core.errors.PluginNotFoundError: no installed plugin handles the
            scheme; the message names the distribution to install.
    """
    from locus.plugins import store_registry

    scheme, sep, _ = url.partition("://") if isinstance(url, str) else ("", "", "")
    if not sep or not scheme:
        raise ValidationError(
            f"store URL must look like 'scheme://...', got {url!r} "
            "(e.g. 'memory://', 'postgresql://host/db', 'redis://host:6379/0')"
        )
    factory = store_registry().get(scheme.lower().split("+", 1)[0]).load()
    store: BaseStore = factory(url, **options)
    return store


def list_stores() -> list[str]:
    """URL schemes of the installed stores."""
    from locus.plugins import store_registry

    return store_registry().names()
