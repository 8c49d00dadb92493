"""Build an OpenAI model from a ``"openai:..."`` model string."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError

__all__ = ["create_model"]

RESPONSES_PREFIX = "responses/"


def create_model(name: str, **options: Any) -> Any:
    """The model for ``openai:<name>``.

    ``openai:gpt-4.1`` is an :class:`~locus.openai.OpenAIModel` (chat
    completions); ``openai:responses/gpt-5`` — or ``api="responses"`` — an
    :class:`~locus.openai.OpenAIResponsesModel`. Other options go to the
    constructor.

    Raises:
        ValidationError: Empty model name or an unknown ``api``.
    """
    api = options.pop("api", None)
    if name.startswith(RESPONSES_PREFIX):
        name = name[len(RESPONSES_PREFIX) :]
        api = api or "responses"
    if not name:
        raise ValidationError(
            "model string needs a model id after 'openai:', e.g. 'openai:gpt-4.1'"
        )
    if api in (None, "chat", "chat.completions"):
        from locus.openai._chat import OpenAIModel

        return OpenAIModel(name, **options)
    if api == "responses":
        from locus.openai._responses import OpenAIResponsesModel

        return OpenAIResponsesModel(name, **options)
    raise ValidationError(f"unknown OpenAI api {api!r}: use 'chat' (default) or 'responses'")
