"""``get_vector_store(url)``: build the store a URL names, through the plugin registry."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.plugins import Registry, registry
from locus.rag.stores.base import VectorStore

__all__ = ["get_vector_store", "vector_store_registry"]


def vector_store_registry() -> Registry[Any]:
    """URL schemes → vector-store factories (``locus_register_vector_stores``)."""
    return registry("locus_register_vector_stores")


def get_vector_store(url: str, **options: Any) -> VectorStore:
    """Build the vector store a URL names.

    Args:
        url: ``"memory://"``, ``"sqlite:///kb.db"`` (relative),
            ``"sqlite:////var/lib/kb.db"`` (absolute), or a scheme a plugin registers.
        **options: Passed to the store's factory (``dimension``, ``distance_metric``...).

    Raises:
        ValidationError: ``url`` has no scheme.
        locus.core.errors.PluginNotFoundError: No plugin handles the scheme.
    """
    scheme, sep, _ = url.partition("://") if isinstance(url, str) else ("", "", "")
    if not sep or not scheme:
        raise ValidationError(
            f"vector store URL must look like 'scheme://...', got {url!r} "
            "(e.g. 'memory://', 'sqlite:///kb.db')"
        )
    factory = vector_store_registry().get(scheme.lower().split("+", 1)[0]).load()
    store: VectorStore = factory(url, **options)
    return store
