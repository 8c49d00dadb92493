"""The original locus's ``locus.models.providers``: provider models by their old paths.

``from locus.models.providers import OCIModel, OCIConfig, OCIAuthType`` (and
everything under :mod:`locus.models.providers.oci`) is served by locus-oci
through the ``locus_register_integrations`` hook; without it the import raises
:class:`ImportError` naming ``locus-oci``. The OpenAI, Anthropic and Ollama
models are in :mod:`locus.models.native`. See ``docs/migrating.md``.
"""

from __future__ import annotations

from locus.integrations._facade import serve

__getattr__, __dir__ = serve(
    "oci",
    __name__,
    ("OCIAuthType", "OCIConfig", "OCIModel"),
    gaps="; see docs/migrating.md (locus.models.providers)",
)
