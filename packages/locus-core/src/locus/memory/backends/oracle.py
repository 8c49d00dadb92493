"""The original locus's ``locus.memory.backends.oracle`` path, served by locus-checkpoint-oracle.

``OracleBackend(config=OracleConfig(dsn=..., user=..., password=...))`` returns
an ``OracleCheckpointer`` (:mod:`locus.checkpoint.oracle`) owning a thin-mode
pool: ``wallet_location``/``wallet_password`` go to the pool (Autonomous
Database), ``table_name`` → ``table_prefix``. ``schema_name`` has no effect
(tables live in the connecting user's schema) and warns. Without
locus-checkpoint-oracle the call raises :class:`ImportError` naming it.
"""

from __future__ import annotations

import warnings
from typing import Any

from pydantic import BaseModel

from locus.core.warnings import LocusDeprecationWarning
from locus.memory.backends._resolve import plugin_class, table_prefix

__all__ = ["OracleBackend", "OracleConfig"]


class OracleConfig(BaseModel):
    """Where an :func:`OracleBackend` keeps checkpoints; ``dsn`` wins over host/port/service."""

    dsn: str | None = None
    user: str = "admin"
    password: str = ""
    wallet_location: str | None = None
    wallet_password: str | None = None
    host: str = "localhost"
    port: int = 1521
    service_name: str = "FREEPDB1"
    table_name: str = "locus_checkpoints"
    schema_name: str | None = None
    min_pool_size: int = 1
    max_pool_size: int = 4

    def model_post_init(self, context: Any, /) -> None:
        """Fill ``dsn`` (Easy Connect ``host:port/service``) when it is not given."""
        if self.dsn is None:
            self.dsn = f"{self.host}:{self.port}/{self.service_name}"


def OracleBackend(config: OracleConfig | None = None, **options: Any) -> Any:
    """An ``OracleCheckpointer`` configured by ``config``.

    Args:
        config: Connection, wallet and table settings.
        **options: More ``OracleCheckpointer`` options (``ttl``...).

    Raises:
        ImportError: locus-checkpoint-oracle is not installed.
    """
    config = config or OracleConfig()
    if config.schema_name:
        warnings.warn(
            "OracleConfig(schema_name=...) has no effect: the checkpoint tables live in the "
            "connecting user's schema; connect as that schema's user instead",
            LocusDeprecationWarning,
            stacklevel=2,
        )
    pool_options = dict(options.pop("pool_options", None) or {})
    if config.wallet_location:
        pool_options.setdefault("config_dir", config.wallet_location)
        pool_options.setdefault("wallet_location", config.wallet_location)
    if config.wallet_password:
        pool_options.setdefault("wallet_password", config.wallet_password)
    return plugin_class("OracleCheckpointer").from_params(
        user=config.user,
        password=config.password,
        dsn=config.dsn or "",
        min=config.min_pool_size,
        max=config.max_pool_size,
        pool_options=pool_options,
        table_prefix=table_prefix(config.table_name),
        **options,
    )
