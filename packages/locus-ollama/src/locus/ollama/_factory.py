"""Build an Ollama model from an ``"ollama:<tag>"`` model string."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError

__all__ = ["create_model"]


def create_model(name: str, **options: Any) -> Any:
    """The :class:`~locus.ollama.OllamaModel` for ``ollama:<tag>`` (options go to the constructor).

    Raises:
        ValidationError: Empty model tag.
    """
    if not name:
        raise ValidationError("model string needs a tag after 'ollama:', e.g. 'ollama:llama3.2'")
    from locus.ollama._model import OllamaModel

    return OllamaModel(name, **options)
