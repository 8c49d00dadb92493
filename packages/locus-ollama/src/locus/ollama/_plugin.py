"""locus-ollama's plugin: registers the ``ollama:`` model prefix (nothing heavy imported)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_models(register: Registrar) -> None:
    """``ollama:<tag>`` → :class:`~locus.ollama.OllamaModel`."""
    register(
        "ollama",
        "locus.ollama._factory:create_model",
        description="local Ollama models (OpenAI-compatible endpoint)",
    )
