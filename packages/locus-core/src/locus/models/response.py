"""What a model returns from :meth:`~locus.core.protocols.ModelProtocol.complete`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.messages import Message, ToolCall
from locus.core.state import TokenUsage

__all__ = ["ModelResponse"]


class ModelResponse(BaseModel):
    """One model completion.

    Attributes:
        message: The assistant message (text, tool calls, reasoning).
        usage: Token usage in the common shape: ``prompt_tokens``,
            ``completion_tokens``, ``total_tokens`` and, where the provider
            reports them, ``cache_read_tokens``, ``cache_write_tokens``,
            ``reasoning_tokens``.
        stop_reason: Normalised stop reason: ``"stop"``, ``"tool_calls"``,
            ``"length"``, ``"content_filter"`` (or the provider's own word).
        model: The model id the provider reports.
        raw: Provider-specific extras (response id...), never needed by the loop.
    """

    model_config = ConfigDict(defer_build=True)

    message: Message
    usage: dict[str, Any] = Field(default_factory=dict)
    stop_reason: str | None = None
    model: str | None = None
    raw: dict[str, Any] = Field(default_factory=dict)

    @property
    def text(self) -> str:
        """The message text, or an empty string."""
        return self.message.content or ""

    @property
    def content(self) -> str:
        """Alias of :attr:`text` (the original locus's name)."""
        return self.text

    @property
    def tool_calls(self) -> list[ToolCall]:
        """The tool calls the model asked for."""
        return self.message.tool_calls

    @property
    def prompt_tokens(self) -> int:
        """Input tokens billed."""
        return self.token_usage.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        """Output tokens billed."""
        return self.token_usage.completion_tokens

    @property
    def total_tokens(self) -> int:
        """All tokens billed."""
        return self.token_usage.total_tokens

    @property
    def provider_state(self) -> dict[str, Any]:
        """Alias of :attr:`raw` (the original locus's name)."""
        return self.raw

    @property
    def token_usage(self) -> TokenUsage:
        """``usage`` as a :class:`~locus.core.state.TokenUsage`."""
        return TokenUsage.from_dict(self.usage)
