"""The original locus's ``locus.memory.backends.postgresql`` path (locus-checkpoint-postgres).

``PostgreSQLBackend(config=PostgreSQLConfig(host=..., database=...))`` returns a
``PostgresCheckpointer`` (:mod:`locus.checkpoint.postgres`) on that database:
``schema_name`` → ``schema``, ``table_name`` → ``table_prefix``
(``"locus_checkpoints"`` → ``"locus_"``), pool sizes → ``min_size``/``max_size``.
Without locus-checkpoint-postgres the call raises :class:`ImportError` naming it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import BaseModel

from locus.memory.backends._resolve import plugin_class, table_prefix

__all__ = ["PostgreSQLBackend", "PostgreSQLConfig"]


class PostgreSQLConfig(BaseModel):
    """Where a :func:`PostgreSQLBackend` keeps checkpoints; ``dsn`` wins over the parts."""

    host: str = "localhost"
    port: int = 5432
    database: str = "locus"
    user: str = "postgres"
    password: str = ""
    table_name: str = "locus_checkpoints"
    schema_name: str | None = None
    min_pool_size: int = 1
    max_pool_size: int = 10
    dsn: str | None = None

    def model_post_init(self, context: Any, /) -> None:
        """Fill ``dsn`` from host/port/database/user/password when it is not given."""
        if self.dsn is None:
            auth = quote(self.user, safe="")
            if self.password:
                auth += f":{quote(self.password, safe='')}"
            self.dsn = (
                f"postgresql://{auth}@{self.host}:{self.port}/{quote(self.database, safe='')}"
            )


def PostgreSQLBackend(config: PostgreSQLConfig | None = None, **options: Any) -> Any:
    """A ``PostgresCheckpointer`` configured by ``config``.

    Args:
        config: Connection and table settings (defaults: ``localhost:5432/locus``).
        **options: More ``PostgresCheckpointer.from_conn_string`` options (``ttl``...).

    Raises:
        ImportError: locus-checkpoint-postgres is not installed.
    """
    config = config or PostgreSQLConfig()
    return plugin_class("PostgresCheckpointer").from_conn_string(
        config.dsn,
        schema=config.schema_name,
        table_prefix=table_prefix(config.table_name),
        min_size=config.min_pool_size,
        max_size=config.max_pool_size,
        **options,
    )
