"""Protocols that plugins register through ``locus_register_protocols``."""

from __future__ import annotations

from locus.core.errors import PluginError
from locus.router.protocol import Protocol

__all__ = ["plugin_protocols"]


def plugin_protocols() -> list[Protocol]:
    """Every protocol registered through the hook: the built-ins in their order, then the
    plugins' by id. ``registry.register_many(plugin_protocols())`` uses them all.

    Raises:
        PluginError: A plugin registered something that is not a Protocol with that id.
    """
    from locus.plugins import registry

    from locus.router._builtin_table import BUILTIN_PROTOCOLS

    reg = registry("locus_register_protocols")
    order = {p.id: i for i, p in enumerate(BUILTIN_PROTOCOLS)}
    out: list[Protocol] = []
    for name in sorted(reg.names(), key=lambda n: (order.get(n, len(order)), n)):
        entry = reg.get(name)
        value = entry.load()
        if not isinstance(value, Protocol) or value.id != name:
            raise PluginError(
                f"plugin {entry.plugin!r} registered protocol {name!r} as {entry.target!r}, "
                f"which is not a locus.router.Protocol with id {name!r}"
            )
        out.append(value)
    return out
