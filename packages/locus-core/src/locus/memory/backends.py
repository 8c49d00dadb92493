"""Checkpointer backends by name, from core and from installed plugins.

``from locus.memory.backends import SQLiteCheckpointer`` (core) or
``... import RedisCheckpointer`` / ``oci_bucket_checkpointer`` (plugins)
resolve through the ``locus_register_backends`` hook. A name a first-party
distribution provides but that is not installed raises :class:`ImportError`
naming the distribution to install.
"""

from __future__ import annotations

from typing import Any

from locus.core.errors import PluginNotFoundError


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    from locus.plugins import backend_registry

    registry = backend_registry()
    try:
        value = registry.get(name).load()
    except PluginNotFoundError as exc:
        raise ImportError(str(exc), name=name) from exc
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from locus.plugins import backend_registry

    return backend_registry().names()
