"""Oracle Database checkpointer for locus (``pip install locus-checkpoint-oracle``).

Example:
    >>> from locus.checkpoint import get_checkpointer  # doctest: +SKIP
    >>> cp = get_checkpointer("oracle://scott:tiger@db.example.com:1521/FREEPDB1")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from locus.checkpoint.oracle._checkpointer import TABLE_SCHEMA_VERSION, OracleCheckpointer
from locus.core.errors import ValidationError

__all__ = ["TABLE_SCHEMA_VERSION", "OracleCheckpointer", "from_url"]


def from_url(url: str, **options: Any) -> OracleCheckpointer:
    """Factory for ``oracle://user:password@host:port/service_name``.

    Args:
        url: The connection URL (percent-encode special characters of the password).
        **options: ``table_prefix``, ``ttl``, ``min``, ``max``, ``pool_options``...
    """
    parts = urlsplit(url)
    service = parts.path.lstrip("/")
    if not parts.username or not parts.hostname or not service:
        raise ValidationError(
            "Oracle checkpointer URL must look like "
            f"'oracle://user:password@host:1521/service_name', got {_redact(url)!r}"
        )
    port = parts.port or 1521
    return OracleCheckpointer.from_params(
        user=unquote(parts.username),
        password=unquote(parts.password or ""),
        dsn=f"{parts.hostname}:{port}/{service}",
        **options,
    )


def _redact(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
