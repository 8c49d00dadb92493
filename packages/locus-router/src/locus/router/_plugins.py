"""Protocols that plugins register through ``locus_register_protocols``."""

from __future__ import annotations

import logging

from locus.core.errors import PluginError
from locus.router.protocol import Protocol

__all__ = ["plugin_protocols"]

log = logging.getLogger("locus.plugins")


def plugin_protocols() -> list[Protocol]:
    """Every protocol registered through the hook: the built-ins in their order, then the
    plugins' by id. ``registry.register_many(plugin_protocols())`` uses them all.

    A registration that fails to import, or is not a Protocol with that id,
    is logged (warning, naming the plugin) and skipped: one broken plugin does
    not stop routing.
    """
    from locus.plugins import registry
    from locus.router._builtin_table import BUILTIN_PROTOCOLS

    reg = registry("locus_register_protocols")
    order = {p.id: i for i, p in enumerate(BUILTIN_PROTOCOLS)}
    out: list[Protocol] = []
    for name in sorted(reg.names(), key=lambda n: (order.get(n, len(order)), n)):
        entry = reg.get(name)
        try:
            value = entry.load()
        except PluginError as exc:
            log.warning("router protocol skipped: %s", exc)
            continue
        if not isinstance(value, Protocol) or value.id != name:
            log.warning(
                "router protocol skipped: plugin %r registered protocol %r as %r, which is "
                "not a locus.router.Protocol with id %r",
                entry.plugin,
                name,
                entry.target,
                name,
            )
            continue
        out.append(value)
    return out
