"""Plugin registration: URL schemes and the backend name (imports nothing heavy)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_checkpointers(register: Registrar) -> None:
    """``opensearch://`` (HTTP) and ``opensearchs://`` (HTTPS)."""
    for scheme in ("opensearch", "opensearchs"):
        register(
            scheme, "locus.checkpoint.opensearch:from_url", description="OpenSearch (opensearch-py)"
        )


@hookimpl
def locus_register_backends(register: Registrar) -> None:
    """``locus.memory.backends.OpenSearchCheckpointer``."""
    register("OpenSearchCheckpointer", "locus.checkpoint.opensearch:OpenSearchCheckpointer")
