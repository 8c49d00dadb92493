"""Checkpointer backends by name, from core and from installed plugins.

``from locus.memory.backends import SQLiteCheckpointer`` (core) or
``... import RedisCheckpointer`` / ``oci_bucket_checkpointer`` (plugins)
resolve through the ``locus_register_backends`` hook. A name a first-party
distribution provides but that is not installed raises :class:`ImportError`
naming the distribution to install; any other unknown name is an
:class:`AttributeError` (so ``hasattr`` works).

The original locus's submodules are here too: ``.memory``, ``.file``,
``.sqlite`` (``SQLiteBackend``/``SQLiteConfig``), ``.postgresql``, ``.redis``,
``.oracle``, ``.opensearch``, ``.oci_bucket`` (``XBackend``/``XConfig``, building
the plugin checkpointers) and ``.adapters`` (``sqlite_checkpointer``...); see
``docs/migrating.md``.
"""

from __future__ import annotations

from typing import Any

from locus.core.errors import PluginNotFoundError

# the original locus's names served by this package's own submodules
_ORIGINAL = {
    "SQLiteBackend": "locus.memory.backends.sqlite",
    "SQLiteConfig": "locus.memory.backends.sqlite",
    "StorageBackendAdapter": "locus.memory.backends.adapters",
    "sqlite_checkpointer": "locus.memory.backends.adapters",
    "redis_checkpointer": "locus.memory.backends.adapters",
    "postgresql_checkpointer": "locus.memory.backends.adapters",
    "oracle_checkpointer": "locus.memory.backends.adapters",
    "opensearch_checkpointer": "locus.memory.backends.adapters",
    "PostgreSQLBackend": "locus.memory.backends.postgresql",
    "RedisBackend": "locus.memory.backends.redis",
    "OracleBackend": "locus.memory.backends.oracle",
    "OpenSearchBackend": "locus.memory.backends.opensearch",
    "OCIBucketBackend": "locus.memory.backends.oci_bucket",
}


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _ORIGINAL:
        import importlib

        return getattr(importlib.import_module(_ORIGINAL[name]), name)
    from locus.plugins import backend_registry

    registry = backend_registry()
    if name not in registry and name not in registry.known:
        raise AttributeError(
            f"module 'locus.memory.backends' has no attribute {name!r}; "
            f"available: {', '.join(registry.names())}"
        )
    try:
        value = registry.get(name).load()
    except PluginNotFoundError as exc:
        raise ImportError(str(exc), name=name) from exc
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    from locus.plugins import backend_registry

    return sorted({*backend_registry().names(), *_ORIGINAL})
