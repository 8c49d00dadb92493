"""The original locus's ``locus.models.providers.oci.responses``, served by locus-oci.

``OCIResponsesModel(config=OCIResponsesConfig(...))`` is a
:class:`locus.oci.OCIResponsesModel` (OCI's OpenAI-compatible Responses API).
"""

from __future__ import annotations

from locus.integrations._facade import serve

__getattr__, __dir__ = serve(
    "oci",
    __name__,
    (
        "OCIProjectRequiredError",
        "OCIResponsesConfig",
        "OCIResponsesModel",
        "OCIResponsesStateLostError",
    ),
)
