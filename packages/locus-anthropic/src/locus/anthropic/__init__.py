"""Anthropic Claude models for locus.

``Agent(model="anthropic:claude-sonnet-4-5")`` or :class:`AnthropicModel`
directly: tool use, parallel tool calls, images, prompt caching
(``cache_control`` on the system prompt and tools), extended thinking (signed
thinking blocks round-trip through ``Message.metadata``), structured output
(tool-forcing or native JSON schema) and streaming. Importing this package
does not import the ``anthropic`` SDK; it loads on first request.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "ANTHROPIC_PARAMS",
    "DEFAULT_MAX_TOKENS",
    "THINKING_METADATA_KEY",
    "AnthropicModel",
    "AnthropicStreamAccumulator",
    "anthropic_usage",
    "map_anthropic_error",
    "messages_to_anthropic",
    "normalize_stop_reason",
    "parse_message",
    "tools_to_anthropic",
]

_LAZY = {
    "AnthropicModel": "locus.anthropic._model",
    "ANTHROPIC_PARAMS": "locus.anthropic._request",
    "DEFAULT_MAX_TOKENS": "locus.anthropic._request",
    "THINKING_METADATA_KEY": "locus.anthropic._wire",
    "messages_to_anthropic": "locus.anthropic._wire",
    "tools_to_anthropic": "locus.anthropic._wire",
    "AnthropicStreamAccumulator": "locus.anthropic._parse",
    "anthropic_usage": "locus.anthropic._parse",
    "normalize_stop_reason": "locus.anthropic._parse",
    "parse_message": "locus.anthropic._parse",
    "map_anthropic_error": "locus.anthropic._errors",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.anthropic' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # pragma: no cover
    from locus.anthropic._errors import map_anthropic_error
    from locus.anthropic._model import AnthropicModel
    from locus.anthropic._parse import (
        AnthropicStreamAccumulator,
        anthropic_usage,
        normalize_stop_reason,
        parse_message,
    )
    from locus.anthropic._request import ANTHROPIC_PARAMS, DEFAULT_MAX_TOKENS
    from locus.anthropic._wire import (
        THINKING_METADATA_KEY,
        messages_to_anthropic,
        tools_to_anthropic,
    )
