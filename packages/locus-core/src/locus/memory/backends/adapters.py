"""The original locus's ``locus.memory.backends.adapters`` path.

In the original, key-value storage backends were wrapped into checkpointers
by ``StorageBackendAdapter``. Here every backend is a checkpointer already,
so the adapter returns the backend unchanged and ``sqlite_checkpointer`` builds
the SQLite checkpointer directly. ``redis_checkpointer``,
``postgresql_checkpointer``, ``oracle_checkpointer``, ``opensearch_checkpointer``
and ``oci_bucket_checkpointer`` build the checkpointers of
``locus-checkpoint-redis``, ``-postgres``, ``-oracle``, ``-opensearch`` and
``locus-oci`` (found through the plugin registry; without the distribution an
:class:`ImportError` names it).
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.memory.backends._resolve import plugin_class
from locus.memory.backends.oci_bucket import OCIBucketBackend
from locus.memory.backends.opensearch import OpenSearchBackend, OpenSearchConfig
from locus.memory.backends.oracle import OracleBackend, OracleConfig

__all__ = [
    "StorageBackendAdapter",
    "oci_bucket_checkpointer",
    "opensearch_checkpointer",
    "oracle_checkpointer",
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


def redis_checkpointer(
    url: str = "redis://localhost:6379", prefix: str = "locus:state:", **kwargs: Any
) -> Any:
    """A ``RedisCheckpointer`` on ``url`` whose keys start with ``prefix``."""
    return plugin_class("RedisCheckpointer").from_url(url, prefix=prefix, **kwargs)


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
    return plugin_class("PostgresCheckpointer").from_conn_string(dsn, **kwargs)


def oracle_checkpointer(
    dsn: str | None = None, user: str = "admin", password: str = "", **kwargs: Any
) -> Any:
    """An ``OracleCheckpointer``: ``OracleBackend(OracleConfig(dsn=..., user=..., **kwargs))``."""
    return OracleBackend(OracleConfig(dsn=dsn, user=user, password=password, **kwargs))


def opensearch_checkpointer(
    hosts: list[str] | None = None, index_name: str = "locus-checkpoints", **kwargs: Any
) -> Any:
    """An ``OpenSearchCheckpointer``: ``OpenSearchBackend(OpenSearchConfig(hosts=..., ...))``."""
    config = OpenSearchConfig(index_name=index_name, **kwargs)
    if hosts is not None:
        config.hosts = list(hosts)
    return OpenSearchBackend(config)


def oci_bucket_checkpointer(
    bucket_name: str, namespace: str, prefix: str = "locus/checkpoints/", **kwargs: Any
) -> Any:
    """An ``OCIBucketCheckpointer`` (locus-oci) on ``bucket_name`` under ``prefix``.

    ``**kwargs`` as :class:`~locus.memory.backends.oci_bucket.OCIBucketBackend`.
    """
    return OCIBucketBackend(bucket_name, namespace, prefix, **kwargs)
