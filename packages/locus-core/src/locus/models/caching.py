"""The original locus's ``locus.models.caching``: prompt-cache breakpoints on messages.

:func:`mark_cache_breakpoint` returns a copy of a message carrying
``metadata["cache_control"]``; ``locus-anthropic`` sends it as the
``cache_control`` of the message's last content block, so the prompt up to and
including that message is cached (on top of the system prompt and tools,
which ``prompt_caching=True`` marks already). Anthropic accepts at most four
breakpoints per request. Other providers cache prompts automatically and
ignore the marker.
"""

from __future__ import annotations

from typing import Literal

from locus.core.errors import ValidationError
from locus.core.messages import Message

__all__ = ["CACHE_CONTROL_KEY", "is_cache_breakpoint", "mark_cache_breakpoint"]

CACHE_CONTROL_KEY = "cache_control"
"""The ``Message.metadata`` key holding a message's cache breakpoint."""


def is_cache_breakpoint(message: Message) -> bool:
    """Whether ``message`` is marked as a prompt-cache breakpoint."""
    return bool(message.metadata.get(CACHE_CONTROL_KEY))


def mark_cache_breakpoint(message: Message, *, ttl: Literal["ephemeral"] = "ephemeral") -> Message:
    """A copy of ``message`` marked as a prompt-cache breakpoint (``message`` is unchanged).

    Raises:
        ValidationError: ``ttl`` is not ``"ephemeral"``.
    """
    if ttl != "ephemeral":
        raise ValidationError(f"cache breakpoints are 'ephemeral', got ttl={ttl!r}")
    metadata = {**message.metadata, CACHE_CONTROL_KEY: {"type": ttl}}
    return message.model_copy(update={"metadata": metadata})
