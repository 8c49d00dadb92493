"""The original locus's ``locus.models.providers.oci.openai_compat``, served by locus-oci.

``OCIOpenAIModel(config=OCIOpenAIConfig(model="openai.gpt-5.5", region=...))``
is a :class:`locus.oci.OCIOpenAIModel`; ``build_oci_openai_base_url(region)`` is
the endpoint root it calls.
"""

from __future__ import annotations

from locus.integrations._facade import serve

__getattr__, __dir__ = serve(
    "oci",
    __name__,
    ("DEFAULT_OCI_GENAI_REGION", "OCIOpenAIConfig", "OCIOpenAIModel", "build_oci_openai_base_url"),
)
