"""locus-anthropic's plugin: registers the ``anthropic:`` model prefix (nothing heavy imported)."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar


@hookimpl
def locus_register_models(register: Registrar) -> None:
    """``anthropic:<model>``, e.g. ``anthropic:claude-sonnet-4-5``."""
    register(
        "anthropic",
        "locus.anthropic._factory:create_model",
        description="Anthropic Claude models (tool use, prompt caching, extended thinking)",
    )
