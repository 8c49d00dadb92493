"""The original locus's ``locus.models.native.ollama``: served by ``locus-ollama``.

``OllamaModel(config=OllamaConfig(model="llama3.2", base_url=...))`` returns a
:class:`locus.ollama.OllamaModel` (``stop_sequences`` → ``stop``).
"""

from __future__ import annotations

from typing import Any

from locus.models.base import ModelConfig
from locus.models.native._factory import provider_model

__all__ = ["OllamaConfig", "OllamaModel"]


class OllamaConfig(ModelConfig):
    """Ollama settings in the original's shape."""

    model: str = "llama3.2"
    base_url: str | None = None


def OllamaModel(config: OllamaConfig | None = None, **kwargs: Any) -> Any:
    """A :class:`locus.ollama.OllamaModel` configured by ``config`` (or keyword settings)."""
    config = config or OllamaConfig(**kwargs)
    return provider_model(
        "locus.ollama", "locus-ollama", "OllamaModel", config, {"stop_sequences": "stop"}
    )
