"""The original locus's ``locus.models.base``: the model contract and its response.

``ModelProtocol`` is :class:`locus.core.protocols.ModelProtocol` and
``ModelResponse`` is :class:`locus.models.response.ModelResponse` (``.content``,
``.tool_calls``, ``.prompt_tokens``... included). ``ModelConfig`` holds the
common sampling settings; pass them to a model as keyword options or to
``Agent(model_options=...)``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from locus.core.protocols import ModelProtocol
from locus.models.response import ModelResponse

__all__ = ["ModelConfig", "ModelProtocol", "ModelResponse", "RequestBuilder", "ResponseParser"]


class ModelConfig(BaseModel):
    """Sampling settings common to every provider."""

    model: str = ""
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop_sequences: list[str] = Field(default_factory=list)

    def options(self) -> dict[str, Any]:
        """The settings that are set, as model keyword options (``model`` excluded)."""
        return self.model_dump(exclude={"model"}, exclude_none=True, exclude_defaults=True)


@runtime_checkable
class RequestBuilder(Protocol):
    """Turns messages and tool schemas into a provider request body."""

    def build(self, messages: list[Any], tools: list[Any] | None = None, **options: Any) -> Any:
        """The request for ``messages``."""
        ...


@runtime_checkable
class ResponseParser(Protocol):
    """Turns a provider response body into a :class:`ModelResponse`."""

    def parse(self, raw: Any) -> ModelResponse:
        """The response ``raw`` describes."""
        ...
