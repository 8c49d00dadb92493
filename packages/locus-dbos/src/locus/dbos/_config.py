"""DBOS configuration for locus: SQLite by default, PostgreSQL for many workers."""

from __future__ import annotations

import os
from typing import Any

from dbos import DBOS, DBOSConfig

__all__ = ["DEFAULT_DATABASE_URL", "configure"]

DEFAULT_DATABASE_URL = "sqlite:///locus_dbos.sqlite"
"""Where workflows are recorded when neither the config nor ``DBOS_SYSTEM_DATABASE_URL`` says."""


def configure(
    config: DBOSConfig | None = None,
    *,
    name: str = "locus",
    system_database_url: str | None = None,
    executor_id: str | None = None,
    application_version: str | None = None,
    **options: Any,
) -> DBOS:
    """Create the process's DBOS instance (then register agents/workflows, then ``DBOS.launch()``).

    The system database is, first found: ``config["system_database_url"]``,
    ``system_database_url``, ``$DBOS_SYSTEM_DATABASE_URL``, then
    :data:`DEFAULT_DATABASE_URL` (a SQLite file in the working directory).
    Every worker of a deployment uses the same PostgreSQL URL and
    ``application_version``, and its own stable ``executor_id``: a worker
    restarted with the id of one that died recovers that worker's runs.

    On PostgreSQL, unless ``db_engine_kwargs`` is given, the system
    database's connection pool does not ping a connection at every checkout
    (``pool_pre_ping=False``, DBOS's other pool defaults kept): a step
    checks out a connection twice, so this saves two round trips per step.
    A connection broken under the pool (a server restart) then fails its
    first statement, which DBOS retries on a fresh connection after a
    second's backoff.

    Args:
        config: A full ``DBOSConfig`` (its keys win over the arguments below).
        name: Application name.
        system_database_url: PostgreSQL or SQLite URL.
        executor_id: This worker's id (DBOS's default: ``$DBOS__VMID`` or ``local``).
        application_version: Version shared by every worker running the same code.
        **options: More ``DBOSConfig`` keys.
    """
    merged: dict[str, Any] = {"name": name, **options}
    url = system_database_url or os.environ.get("DBOS_SYSTEM_DATABASE_URL") or DEFAULT_DATABASE_URL
    merged["system_database_url"] = url
    if executor_id is not None:
        merged["executor_id"] = executor_id
    if application_version is not None:
        merged["application_version"] = application_version
    merged.update(config or {})
    if str(merged["system_database_url"]).startswith("postgres"):
        merged.setdefault("db_engine_kwargs", {"pool_pre_ping": False})
    return DBOS(config=merged)  # type: ignore[arg-type]
