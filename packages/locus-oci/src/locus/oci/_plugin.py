"""locus-oci's plugin: the ``oci:`` model prefix, the ``oci://`` checkpointer, backends.

Imports nothing heavy: targets are ``"module:attribute"`` strings.
"""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_models(register: Registrar) -> None:
    """``oci:<model>`` (OpenAI-compatible), ``oci:cohere.*`` (native), ``oci:responses/*``."""
    register(
        "oci",
        "locus.oci._factory:create_model",
        description="OCI Generative AI (OpenAI-compatible, Cohere, dedicated endpoints)",
    )


@hookimpl
def locus_register_checkpointers(register: Registrar) -> None:
    """``oci://bucket@namespace/prefix`` (Object Storage)."""
    register("oci", "locus.oci.checkpoint:from_url", description="OCI Object Storage bucket")


@hookimpl
def locus_register_backends(register: Registrar) -> None:
    """``OCIBucketCheckpointer`` and ``oci_bucket_checkpointer`` in ``locus.memory.backends``."""
    register("OCIBucketCheckpointer", "locus.oci.checkpoint:OCIBucketCheckpointer")
    register("oci_bucket_checkpointer", "locus.oci.checkpoint:oci_bucket_checkpointer")


@hookimpl
def locus_register_integrations(register: Registrar) -> None:
    """Serve the original locus's ``locus.models.providers.oci`` names (``OCIModel``...)."""
    register("oci", "locus.oci._original")
