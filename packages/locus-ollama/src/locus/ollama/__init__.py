"""Ollama models for locus: ``Agent(model="ollama:llama3.2")``.

:class:`OllamaModel` reuses :class:`locus.openai.OpenAIModel`'s wire format
against Ollama's OpenAI-compatible endpoint (``$OLLAMA_HOST/v1``). Importing
this package does not import the ``openai`` SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["DEFAULT_HOST", "OllamaEmbeddings", "OllamaModel", "ollama_base_url"]

_LAZY = {
    "DEFAULT_HOST": "locus.ollama._host",
    "ollama_base_url": "locus.ollama._host",
    "OllamaModel": "locus.ollama._model",
    "OllamaEmbeddings": "locus.ollama._model",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.ollama' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from locus.ollama._host import DEFAULT_HOST, ollama_base_url
    from locus.ollama._model import OllamaEmbeddings, OllamaModel
