"""Build an OCI model from an ``"oci:..."`` model string."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.oci._client import DEDICATED_PREFIX

__all__ = ["create_model"]

RESPONSES_PREFIX = "responses/"
COHERE_PREFIX = "cohere."


def create_model(name: str, **options: Any) -> Any:
    """The model for ``oci:<name>``.

    - ``oci:cohere.<model>`` → :class:`~locus.oci.OCICohereModel` (native Cohere chat);
    - ``oci:responses/<model>`` → :class:`~locus.oci.OCIResponsesModel`;
    - ``oci:ocid1.generativeaiendpoint...`` → a dedicated AI cluster endpoint,
      native Cohere chat unless ``api="openai"``/``"responses"``;
    - anything else (``openai.*``, ``meta.*``, ``xai.*``, ``google.*``...) →
      :class:`~locus.oci.OCIOpenAIModel` (OpenAI-compatible endpoint).

    ``api=`` (``"cohere"``, ``"openai"``/``"chat"``, ``"responses"``) forces the
    API; other options go to the constructor.

    Raises:
        ValidationError: Empty model name or an unknown ``api``.
    """
    api = options.pop("api", None)
    if name.startswith(RESPONSES_PREFIX):
        name = name[len(RESPONSES_PREFIX) :]
        api = api or "responses"
    if not name:
        raise ValidationError(
            "model string needs a model id after 'oci:', e.g. 'oci:openai.gpt-5.5' or "
            "'oci:cohere.command-r-plus'"
        )
    if api is None:
        api = "cohere" if name.startswith((COHERE_PREFIX, DEDICATED_PREFIX)) else "openai"
    if api == "cohere":
        from locus.oci._cohere import OCICohereModel

        return OCICohereModel(name, **options)
    if api in ("openai", "chat"):
        from locus.oci._openai import OCIOpenAIModel

        return OCIOpenAIModel(name, **options)
    if api == "responses":
        from locus.oci._openai import OCIResponsesModel

        return OCIResponsesModel(name, **options)
    raise ValidationError(f"unknown OCI api {api!r}: use 'openai' (chat), 'responses' or 'cohere'")
