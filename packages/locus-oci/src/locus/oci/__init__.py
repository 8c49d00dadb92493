"""OCI Generative AI for locus.

- ``Agent(model="oci:openai.gpt-5.5")`` (``meta.*``, ``xai.*``...) — the
  OpenAI-compatible endpoint, signed with OCI credentials (:class:`OCIOpenAIModel`,
  :class:`OCIResponsesModel` for ``"oci:responses/<model>"``).
- ``Agent(model="oci:cohere.command-r-plus")`` — native Cohere chat (:class:`OCICohereModel`).
- :class:`OCIEmbeddings`, :class:`OCIReranker`.
- :mod:`locus.oci.auth` — request signing; :mod:`locus.oci.checkpoint` — Object Storage checkpoints.

Importing this package imports neither the ``oci`` nor the ``openai`` SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "OCIBucketCheckpointer",
    "OCICohereModel",
    "OCIConfig",
    "OCIEmbeddings",
    "OCIOpenAIModel",
    "OCIRequestSigner",
    "OCIReranker",
    "OCIResponsesModel",
    "OCISDKSigner",
    "RerankResult",
    "load_oci_config",
    "make_auth",
    "oci_bucket_checkpointer",
]

_LAZY = {
    "OCIBucketCheckpointer": "locus.oci.checkpoint",
    "oci_bucket_checkpointer": "locus.oci.checkpoint",
    "OCICohereModel": "locus.oci._cohere",
    "OCIConfig": "locus.oci._config",
    "load_oci_config": "locus.oci._config",
    "OCIEmbeddings": "locus.oci._embeddings",
    "OCIOpenAIModel": "locus.oci._openai",
    "OCIResponsesModel": "locus.oci._openai",
    "OCIRequestSigner": "locus.oci.auth",
    "OCISDKSigner": "locus.oci.auth",
    "make_auth": "locus.oci.auth",
    "OCIReranker": "locus.oci._rerank",
    "RerankResult": "locus.oci._rerank",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.oci' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from locus.oci._cohere import OCICohereModel
    from locus.oci._config import OCIConfig, load_oci_config
    from locus.oci._embeddings import OCIEmbeddings
    from locus.oci._openai import OCIOpenAIModel, OCIResponsesModel
    from locus.oci._rerank import OCIReranker, RerankResult
    from locus.oci.auth import OCIRequestSigner, OCISDKSigner, make_auth
    from locus.oci.checkpoint import OCIBucketCheckpointer, oci_bucket_checkpointer
