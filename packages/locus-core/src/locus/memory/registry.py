"""Stores and checkpointers by URL, through the plugin registry.

``get_store("postgresql://...")`` resolves through the ``locus_register_stores``
hook; ``get_checkpointer`` / ``list_checkpointers`` / ``register_checkpointer``
are the checkpointer registry under its original ``locus.memory`` names.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from locus.core.errors import ValidationError
from locus.memory.store import BaseStore, InMemoryStore

__all__ = [
    "get_checkpointer",
    "get_store",
    "list_checkpointers",
    "list_stores",
    "memory_store",
    "register_checkpointer",
]


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


def get_checkpointer(checkpointer_string: str, **kwargs: Any) -> Any:
    """The checkpointer a URL names (same as :func:`locus.checkpoint.get_checkpointer`)."""
    from locus.checkpoint import get_checkpointer as build

    return build(checkpointer_string, **kwargs)


def list_checkpointers() -> list[str]:
    """URL schemes of the installed checkpointers."""
    from locus.plugins import checkpointer_registry

    return checkpointer_registry().names()


def register_checkpointer(name: str, factory: Callable[..., Any]) -> None:
    """Register a checkpointer URL scheme in this process (plugins use the hook instead).

    Args:
        name: The URL scheme (``"mydb"`` for ``"mydb://..."``).
        factory: ``factory(url, **options)`` returning a checkpointer.

    Raises:
        locus.core.errors.ValidationError: the scheme is taken, or ``factory`` is not callable.
    """
    from locus.plugins import checkpointer_registry

    if not callable(factory):
        raise ValidationError(f"factory must be callable, got {factory!r}")
    registry = checkpointer_registry()
    if not registry.add("runtime", name, factory, description="registered at run time"):
        owner = registry.entries[name].plugin
        raise ValidationError(f"checkpointer scheme {name!r} is already registered by {owner}")
