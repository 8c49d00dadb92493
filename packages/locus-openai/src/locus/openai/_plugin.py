"""locus-openai's plugin: registers the ``openai:`` model prefix (nothing heavy imported)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_models(register: Registrar) -> None:
    """``openai:<model>`` (chat completions) and ``openai:responses/<model>`` (Responses API)."""
    register(
        "openai",
        "locus.openai._factory:create_model",
        description="OpenAI chat completions and Responses API models",
    )


@hookimpl
def locus_register_integrations(register: Registrar) -> None:
    """Serve the original locus's ``locus.providers`` OpenAI names (``OpenAIImageProvider``...)."""
    register("openai", "locus.openai")
