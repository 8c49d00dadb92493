"""PostgreSQL checkpointer for locus (``pip install locus-checkpoint-postgres``).

Example:
    >>> from locus.checkpoint import get_checkpointer  # doctest: +SKIP
    >>> cp = get_checkpointer("postgresql://postgres@127.0.0.1:5432/test")  # doctest: +SKIP
    >>> await cp.setup()  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.postgres._checkpointer import TABLE_SCHEMA_VERSION, PostgresCheckpointer
from locus.checkpoint.postgres._store import PostgresStore

__all__ = [
    "TABLE_SCHEMA_VERSION",
    "PostgresCheckpointer",
    "PostgresStore",
    "from_url",
    "store_from_url",
]


def from_url(url: str, **options: Any) -> PostgresCheckpointer:
    """Factory for ``postgresql://`` / ``postgres://`` (also ``postgresql+psycopg://``) URLs.

    Args:
        url: libpq connection URL.
        **options: ``schema``, ``table_prefix``, ``ttl``, ``min_size``, ``max_size``...
    """
    _, _, rest = url.partition("://")
    return PostgresCheckpointer.from_conn_string(f"postgresql://{rest}", **options)


def store_from_url(url: str, **options: Any) -> PostgresStore:
    """Store factory for ``postgresql://`` URLs (``locus.memory.get_store``).

    Args:
        url: libpq connection URL.
        **options: ``schema``, ``table_prefix``, ``min_size``, ``max_size``...
    """
    _, _, rest = url.partition("://")
    return PostgresStore.from_conn_string(f"postgresql://{rest}", **options)
