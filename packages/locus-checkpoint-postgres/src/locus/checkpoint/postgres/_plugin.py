"""Plugin registration: URL schemes, the backend name and the store (imports nothing heavy)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_checkpointers(register: Registrar) -> None:
    """``postgresql://`` and ``postgres://``."""
    for scheme in ("postgresql", "postgres"):
        register(scheme, "locus.checkpoint.postgres:from_url", description="PostgreSQL (psycopg 3)")


@hookimpl
def locus_register_backends(register: Registrar) -> None:
    """``locus.memory.backends.PostgresCheckpointer``."""
    register("PostgresCheckpointer", "locus.checkpoint.postgres:PostgresCheckpointer")


@hookimpl
def locus_register_stores(register: Registrar) -> None:
    """``locus.memory.get_store("postgresql://...")``: :class:`PostgresStore`."""
    for scheme in ("postgresql", "postgres"):
        register(scheme, "locus.checkpoint.postgres:store_from_url", description="PostgreSQL store")
