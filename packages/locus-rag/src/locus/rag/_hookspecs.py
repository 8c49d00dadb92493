"""locus-rag's own extension point: ``locus_register_vector_stores``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from locus.plugins import hookspec

if TYPE_CHECKING:
    from locus.plugins._registry import Registrar

__all__ = ["RAGHookspecs"]


class RAGHookspecs:
    """Hooks locus-rag calls (added to the plugin manager when locus-rag loads)."""

    @hookspec
    def locus_register_vector_stores(self, register: Registrar) -> None:
        """Register vector stores by URL scheme.

        Call ``register(scheme, factory, *, description="")``;
        ``factory(url, **options)`` returns a
        :class:`~locus.rag.stores.base.VectorStore` for a URL such as
        ``"sqlite:///kb.db"``, and :func:`locus.rag.get_vector_store` calls it.
        ``factory`` may be a ``"module:attribute"`` string, imported on first
        use. Registering a scheme twice keeps the first and reports a conflict.
        """
