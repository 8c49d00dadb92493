"""locus-router's own extension point: ``locus_register_protocols``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from locus.plugins import hookspec

if TYPE_CHECKING:
    from locus.plugins._registry import Registrar

__all__ = ["RouterHookspecs"]


class RouterHookspecs:
    """Hooks locus-router calls (added to the plugin manager when locus-router loads)."""

    @hookspec
    def locus_register_protocols(self, register: Registrar) -> None:
        """Register router protocols by id.

        Call ``register(protocol_id, target, *, description="")``; ``target``
        is a :class:`~locus.router.Protocol` whose ``id`` is ``protocol_id``,
        or a ``"module:attribute"`` string naming one, imported on first use.
        :func:`locus.router.plugin_protocols` collects them
        (``registry.register_many(plugin_protocols())``); ``locus plugins``
        lists them. Registering an id twice keeps the first and reports a conflict.
        """
