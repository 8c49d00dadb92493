"""The original locus's ``locus.models.native.anthropic``: served by ``locus-anthropic``.

``AnthropicModel(config=AnthropicConfig(...))`` returns a
:class:`locus.anthropic.AnthropicModel` (``request_timeout`` → ``timeout``,
``prompt_cache`` → ``prompt_caching``).
"""

from __future__ import annotations

from typing import Any

from locus.models.base import ModelConfig
from locus.models.native._factory import provider_model

__all__ = ["AnthropicConfig", "AnthropicModel"]


class AnthropicConfig(ModelConfig):
    """Anthropic settings in the original's shape."""

    model: str = "claude-sonnet-4-6"
    api_key: str | None = None
    base_url: str | None = None
    prompt_cache: bool = True
    max_retries: int = 3
    request_timeout: float | None = None


_RENAMES = {"request_timeout": "timeout", "prompt_cache": "prompt_caching"}


def AnthropicModel(config: AnthropicConfig | None = None, **kwargs: Any) -> Any:
    """A :class:`locus.anthropic.AnthropicModel` configured by ``config`` (or keyword settings)."""
    config = config or AnthropicConfig(**kwargs)
    return provider_model("locus.anthropic", "locus-anthropic", "AnthropicModel", config, _RENAMES)
