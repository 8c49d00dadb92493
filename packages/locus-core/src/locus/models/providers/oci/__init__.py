"""The original locus's ``locus.models.providers.oci``, served by locus-oci.

``OCIModel(config=OCIConfig(model_id="cohere.command-r-plus", ...))``,
``OCIOpenAIModel(config=OCIOpenAIConfig(...))`` and
``OCIResponsesModel(config=OCIResponsesConfig(...))`` build locus-oci's models
(:mod:`locus.oci`) with the same settings. Without locus-oci the import raises
:class:`ImportError` naming it. The original's wire-level classes
(``OCIClient``, ``OCIModelProvider``, ``CohereProvider``, ``GenericProvider``)
have no counterpart: ``docs/migrating.md`` says what to use instead.
"""

from __future__ import annotations

from locus.integrations._facade import serve

NAMES = (
    "DEFAULT_OCI_GENAI_REGION",
    "OCIAuthType",
    "OCIConfig",
    "OCIModel",
    "OCIOpenAIConfig",
    "OCIOpenAIModel",
    "OCIProjectRequiredError",
    "OCIResponsesConfig",
    "OCIResponsesModel",
    "OCIResponsesStateLostError",
    "build_oci_openai_base_url",
)

__getattr__, __dir__ = serve(
    "oci", __name__, NAMES, gaps="; see docs/migrating.md (locus.models.providers.oci)"
)
