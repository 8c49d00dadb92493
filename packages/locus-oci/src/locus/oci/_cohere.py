"""``OCICohereModel``: Cohere chat models through OCI's native ``/actions/chat``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from locus.core.errors import LocusError, ValidationError
from locus.core.events import ModelChunkEvent
from locus.core.messages import Message
from locus.models.response import ModelResponse
from locus.oci._client import OCIClientBase, serving_mode
from locus.oci._cohere_wire import (
    CohereStreamAccumulator,
    cohere_response_format,
    messages_to_cohere,
    parse_cohere_chat,
    tools_to_cohere,
)
from locus.oci._errors import map_oci_exception

__all__ = ["COHERE_PARAMS", "OCICohereModel"]

COHERE_PARAMS = {
    "temperature": "temperature",
    "max_tokens": "maxTokens",
    "max_completion_tokens": "maxTokens",
    "max_input_tokens": "maxInputTokens",
    "top_p": "topP",
    "top_k": "topK",
    "seed": "seed",
    "stop": "stopSequences",
    "frequency_penalty": "frequencyPenalty",
    "presence_penalty": "presencePenalty",
    "documents": "documents",
    "citation_quality": "citationQuality",
    "safety_mode": "safetyMode",
    "prompt_truncation": "promptTruncation",
    "is_force_single_step": "isForceSingleStep",
}
"""locus keyword → Cohere ``chatRequest`` field."""


class OCICohereModel(OCIClientBase):
    """A Cohere chat model on OCI Generative AI (``"oci:cohere.command-r-plus"``).

    Speaks the native chat API (``chatRequest.apiFormat = "COHERE"``): tools
    as ``parameterDefinitions``, tool results as ``toolResults``, structured
    output through ``responseFormat`` (``JSON_OBJECT`` with a schema),
    streaming over SSE. A dedicated AI cluster endpoint OCID
    (``ocid1.generativeaiendpoint...``) as ``model`` uses ``DEDICATED`` serving.

    Args:
        model: Model id (``cohere.command-r-plus``) or endpoint OCID.
        temperature: Sampling temperature.
        max_tokens: Output token cap.
        params: Other chat-request options (locus names like ``top_p``, or raw
            Cohere fields via ``extra_body={...}``).
        **options: Endpoint and credential options of
            :class:`~locus.oci._client.OCIClientBase` (``compartment_id``,
            ``region``, ``auth_type``, ``profile``, ``transport``...).

    Raises:
        locus.core.errors.ModelAuthError: No usable OCI credentials.
    """

    def __init__(
        self,
        model: str = "cohere.command-r-plus",
        *,
        temperature: float | None = None,
        max_tokens: int | None = None,
        params: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> None:
        if not model:
            raise ValidationError("OCI model id is empty; e.g. 'oci:cohere.command-r-plus'")
        super().__init__(**options)
        self.model = model
        defaults = {"temperature": temperature, "max_tokens": max_tokens, **(params or {})}
        self.defaults = {k: v for k, v in defaults.items() if v is not None}

    def __repr__(self) -> str:
        return f"OCICohereModel(model={self.model!r})"

    def build_request(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        kwargs: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The ``/actions/chat`` body (``compartmentId``, ``servingMode``, ``chatRequest``).

        Raises:
            ValidationError: An unknown option or a conversation Cohere cannot take.
        """
        options = {**self.defaults, **kwargs}
        chat: dict[str, Any] = {"apiFormat": "COHERE", **messages_to_cohere(messages)}
        if options.pop("tool_choice", None) == "none":
            tools = None
        cohere_tools = tools_to_cohere(tools)
        if cohere_tools:
            chat["tools"] = cohere_tools
        extra = options.pop("extra_body", None) or {}
        for key, value in options.items():
            if value is None:
                continue
            if key == "response_format":
                chat["responseFormat"] = cohere_response_format(value)
            elif key in COHERE_PARAMS:
                if key == "stop" and isinstance(value, str):
                    value = [value]
                chat[COHERE_PARAMS[key]] = value
            else:
                raise ValidationError(
                    f"OCICohereModel got an unknown option {key!r}; use "
                    f"{', '.join(sorted(COHERE_PARAMS)[:8])}, ... or extra_body={{...}} for raw "
                    "Cohere chatRequest fields"
                )
        chat.update(extra)
        return {
            "compartmentId": self.compartment_id,
            "servingMode": serving_mode(self.model),
            "chatRequest": chat,
        }

    async def complete(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ModelResponse:
        """One chat turn.

        Raises:
            locus.core.errors.ModelAuthError: 401/403.
            locus.core.errors.ModelThrottledError: 429 after the retries.
            locus.core.errors.ModelResponseError: An unusable body.
            locus.core.errors.ModelError: Other failures (``reason`` says which).
        """
        body = self.build_request(messages, tools, kwargs)
        body["chatRequest"]["isStream"] = False
        result = await self.post_json("chat", body)
        return parse_cohere_chat(result, provider=self.provider_name)

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ModelChunkEvent]:
        """Stream a chat turn: text and tool-call deltas, then a ``done=True`` chunk."""
        from locus.openai import iter_sse_json

        body = self.build_request(messages, tools, kwargs)
        body["chatRequest"]["isStream"] = True
        body["chatRequest"].setdefault("streamOptions", {"isIncludeUsage": True})
        response = await self.open_stream("chat", body)
        accumulator = CohereStreamAccumulator(provider=self.provider_name)
        try:
            async for event in iter_sse_json(response.aiter_lines(), provider=self.provider_name):
                for chunk in accumulator.feed(event):
                    yield chunk
        except LocusError:
            raise
        except Exception as exc:
            raise map_oci_exception(exc, provider=self.provider_name) from exc
        finally:
            await response.aclose()
        yield accumulator.final()
