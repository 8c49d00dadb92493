"""The original locus's ``locus.models.native``: provider models from their distributions.

``OpenAIModel(config=OpenAIConfig(...))`` (and the Anthropic/Ollama pairs in
the submodules) build the model of ``locus-openai`` / ``locus-anthropic`` /
``locus-ollama``; without the distribution an :class:`ImportError` names it.
"""

from __future__ import annotations

from locus.models.native.openai import OpenAIConfig, OpenAIModel

__all__ = ["OpenAIConfig", "OpenAIModel"]
