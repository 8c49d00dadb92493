"""``OpenAIResponsesModel``: the OpenAI Responses API (``"openai:responses/gpt-5"``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from locus.core.errors import ValidationError
from locus.core.messages import Message
from locus.models.response import ModelResponse
from locus.openai._chat import OpenAIModel, StreamAccumulator
from locus.openai._responses_wire import (
    ResponsesStreamAccumulator,
    messages_to_responses,
    parse_response,
    response_format_to_text,
    tool_choice_to_responses,
    tools_to_responses,
)

__all__ = ["RESPONSES_PARAMS", "OpenAIResponsesModel"]

RESPONSES_PARAMS = frozenset(
    {
        "background",
        "extra_body",
        "extra_headers",
        "extra_query",
        "include",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt_cache_key",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "temperature",
        "text",
        "timeout",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
)
"""Keyword arguments forwarded to ``responses.create`` as they are."""


class OpenAIResponsesModel(OpenAIModel):
    """An OpenAI Responses API model (``"openai:responses/gpt-5"``).

    Same constructor as :class:`~locus.openai.OpenAIModel`. The conversation
    is sent statelessly as ``input`` items with ``store=False`` (pass
    ``params={"store": True}`` to keep responses server-side). Reasoning
    summaries (``reasoning_effort=`` plus ``params={"reasoning_summary": ...}``,
    ``"auto"`` by default) come back in ``message.reasoning`` and as
    ``reasoning`` stream deltas. Chat-style options are translated:
    ``max_tokens`` → ``max_output_tokens``, ``response_format`` →
    ``text.format``, ``reasoning_effort`` → ``reasoning.effort``,
    ``tool_choice`` → the Responses shape; ``seed``/``stop`` are not supported
    by the API and raise. With ``reasoning_effort`` and ``store=False`` the
    model's encrypted reasoning is requested, kept in the assistant message's
    ``metadata["openai_reasoning_items"]`` (streamed: in the final chunk's
    ``metadata``, merged into the assembled message) and sent back on the next turn, so
    reasoning carries across tool calls without server-side state.
    """

    def build_request(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        kwargs: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The keyword arguments for ``responses.create`` (no ``stream``).

        Raises:
            ValidationError: An unknown or unsupported keyword argument.
        """
        options: dict[str, Any] = {"store": False, **self.defaults, **kwargs}
        request: dict[str, Any] = {"model": self.model, "input": messages_to_responses(messages)}
        response_tools = tools_to_responses(tools)
        if response_tools:
            request["tools"] = response_tools
        effort = options.pop("reasoning_effort", None)
        summary = options.pop("reasoning_summary", "auto")
        if effort is not None:
            request["reasoning"] = {"effort": effort, **({"summary": summary} if summary else {})}
            if options.get("store") is False and "include" not in options:
                # stateless reasoning: carry the encrypted reasoning to the next turn
                request["include"] = ["reasoning.encrypted_content"]
        for key, value in options.items():
            if value is None:
                continue
            if key in ("max_tokens", "max_completion_tokens"):
                request["max_output_tokens"] = value
            elif key == "response_format":
                request["text"] = response_format_to_text(value)
            elif key == "tool_choice":
                request["tool_choice"] = tool_choice_to_responses(value)
            elif key in RESPONSES_PARAMS:
                request[key] = value
            else:
                raise ValidationError(
                    f"{type(self).__name__} got an option the Responses API does not take: "
                    f"{key!r}; pass Responses parameters by name (max_output_tokens, reasoning, "
                    "text, ...) or extra_body={...}"
                )
        return request

    def endpoint(self) -> Any:
        """``client.responses.with_raw_response.create``."""
        return self.client.responses.with_raw_response.create

    def parse_body(self, body: Any) -> ModelResponse:
        """Parse a Responses API body."""
        return parse_response(body, provider=self.provider_name)

    def stream_params(self) -> dict[str, Any]:
        """``stream=True`` (usage arrives with ``response.completed``)."""
        return {"stream": True}

    def stream_accumulator(self) -> StreamAccumulator:
        """A :class:`~locus.openai.ResponsesStreamAccumulator`."""
        return ResponsesStreamAccumulator(provider=self.provider_name)
