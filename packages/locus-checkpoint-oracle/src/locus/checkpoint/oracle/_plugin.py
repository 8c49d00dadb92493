"""Plugin registration: URL scheme and the backend name (imports nothing heavy)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_checkpointers(register: Registrar) -> None:
    """``oracle://user:password@host:port/service``."""
    register("oracle", "locus.checkpoint.oracle:from_url", description="Oracle Database (oracledb)")


@hookimpl
def locus_register_backends(register: Registrar) -> None:
    """``locus.memory.backends.OracleCheckpointer``."""
    register("OracleCheckpointer", "locus.checkpoint.oracle:OracleCheckpointer")
