"""Build an Anthropic model from an ``"anthropic:..."`` model string."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError

__all__ = ["create_model"]


def create_model(name: str, **options: Any) -> Any:
    """The :class:`~locus.anthropic.AnthropicModel` for ``anthropic:<name>``.

    Options go to the constructor (``api_key``, ``max_tokens``, ``thinking``...).

    Raises:
        ValidationError: Empty model name.
    """
    if not name:
        raise ValidationError(
            "model string needs a model id after 'anthropic:', e.g. 'anthropic:claude-sonnet-4-5'"
        )
    from locus.anthropic._model import AnthropicModel

    return AnthropicModel(name, **options)
