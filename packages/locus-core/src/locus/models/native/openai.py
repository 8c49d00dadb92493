"""The original locus's ``locus.models.native.openai``: served by ``locus-openai``.

``OpenAIModel(config=OpenAIConfig(model="gpt-4.1", api_key=...))`` returns a
:class:`locus.openai.OpenAIModel` with the same settings
(``request_timeout`` → ``timeout``, ``stop_sequences`` → ``stop``).
"""

from __future__ import annotations

from typing import Any

from locus.models.base import ModelConfig
from locus.models.native._factory import provider_model

__all__ = ["OpenAIConfig", "OpenAIModel"]


class OpenAIConfig(ModelConfig):
    """OpenAI settings in the original's shape."""

    model: str = "gpt-4.1"
    api_key: str | None = None
    base_url: str | None = None
    organization: str | None = None
    max_retries: int = 3
    request_timeout: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    seed: int | None = None


_RENAMES = {"request_timeout": "timeout", "stop_sequences": "stop"}


def OpenAIModel(config: OpenAIConfig | None = None, **kwargs: Any) -> Any:
    """A :class:`locus.openai.OpenAIModel` configured by ``config`` (or keyword settings)."""
    config = config or OpenAIConfig(**kwargs)
    penalties = {
        k: v
        for k in ("frequency_penalty", "presence_penalty")
        if (v := getattr(config, k)) is not None
    }
    slim = config.model_copy(update={"frequency_penalty": None, "presence_penalty": None})
    extra = {"params": penalties} if penalties else {}
    return provider_model("locus.openai", "locus-openai", "OpenAIModel", slim, _RENAMES, **extra)
