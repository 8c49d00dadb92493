"""The original locus's ``locus.memory.backends.adapters`` path.

In the original, key-value storage backends were wrapped into checkpointers
by ``StorageBackendAdapter``. Here every backend is a checkpointer already,
so the adapter returns the backend unchanged and ``sqlite_checkpointer`` builds
the SQLite checkpointer directly. ``redis_checkpointer`` and
``postgresql_checkpointer`` build the checkpointers of ``locus-checkpoint-redis``
and ``locus-checkpoint-postgres`` (found through the plugin registry; without
the distribution an :class:`ImportError` names it).
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.sqlite import SQLiteCheckpointer

__all__ = [
    "StorageBackendAdapter",
    "postgresql_checkpointer",
    "redis_checkpointer",
    "sqlite_checkpointer",
]


def StorageBackendAdapter(backend: Any) -> Any:
    """``backend`` itself: every backend here is a checkpointer (``docs/migrating.md``).

    Raises:
        locus.core.errors.ValidationError: ``backend`` is not a checkpointer.
    """
    from locus.core.errors import ValidationError

    if not callable(getattr(backend, "save", None)) or not callable(getattr(backend, "load", None)):
        raise ValidationError(
            f"StorageBackendAdapter needs a checkpointer (save/load), got {backend!r}; "
            "see locus.checkpoint for the backends"
        )
    return backend


def sqlite_checkpointer(path: str = "locus_checkpoints.db", **kwargs: Any) -> SQLiteCheckpointer:
    """A :class:`~locus.checkpoint.sqlite.SQLiteCheckpointer` on ``path``."""
    return SQLiteCheckpointer(path, **kwargs)


def _plugin_class(name: str) -> Any:
    from locus.core.errors import PluginNotFoundError
    from locus.plugins import backend_registry

    try:
        return backend_registry().get(name).load()
    except PluginNotFoundError as exc:
        raise ImportError(str(exc), name=name) from exc


def redis_checkpointer(
    url: str = "redis://localhost:6379", prefix: str = "locus:state:", **kwargs: Any
) -> Any:
    """A ``RedisCheckpointer`` on ``url`` whose keys start with ``prefix``."""
    return _plugin_class("RedisCheckpointer").from_url(url, prefix=prefix, **kwargs)


def postgresql_checkpointer(
    host: str = "localhost",
    port: int = 5432,
    database: str = "locus",
    user: str = "postgres",
    password: str = "",
    dsn: str | None = None,
    **kwargs: Any,
) -> Any:
    """A ``PostgresCheckpointer`` on ``dsn`` (or a URL built from host/port/database/user)."""
    from urllib.parse import quote

    if dsn is None:
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        dsn = f"postgresql://{auth}@{host}:{port}/{quote(database, safe='')}"
    return _plugin_class("PostgresCheckpointer").from_conn_string(dsn, **kwargs)
