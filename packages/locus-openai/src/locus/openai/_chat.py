"""``OpenAIModel``: chat completions against OpenAI or any OpenAI-compatible endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from locus.core.errors import LocusError, ValidationError
from locus.core.events import ModelChunkEvent
from locus.core.messages import Message
from locus.models.response import ModelResponse
from locus.models.retry import RetryPolicy
from locus.openai._chat_wire import (
    ChatStreamAccumulator,
    messages_to_chat,
    normalize_response_format,
    parse_chat_completion,
    tools_to_chat,
)
from locus.openai._client import DEFAULT_TIMEOUT, OpenAIClientBase
from locus.openai._sse import iter_sse_json

if TYPE_CHECKING:
    import httpx

    from openai import AsyncOpenAI

__all__ = ["CHAT_PARAMS", "OpenAIModel", "StreamAccumulator"]


class StreamAccumulator(Protocol):
    """Turns decoded stream payloads into chunk events, then a final chunk."""

    def feed(self, payload: dict[str, Any]) -> list[ModelChunkEvent]:
        """Events for one payload."""
        ...

    def final(self) -> ModelChunkEvent:
        """The closing ``done=True`` chunk."""
        ...


CHAT_PARAMS = frozenset(
    {
        "audio",
        "extra_body",
        "extra_headers",
        "extra_query",
        "frequency_penalty",
        "logit_bias",
        "logprobs",
        "max_completion_tokens",
        "metadata",
        "modalities",
        "n",
        "parallel_tool_calls",
        "prediction",
        "presence_penalty",
        "prompt_cache_key",
        "reasoning_effort",
        "response_format",
        "safety_identifier",
        "seed",
        "service_tier",
        "stop",
        "store",
        "temperature",
        "timeout",
        "tool_choice",
        "top_logprobs",
        "top_p",
        "user",
        "verbosity",
        "web_search_options",
    }
)
"""Keyword arguments :meth:`OpenAIModel.complete` forwards to ``chat.completions.create``."""


class OpenAIModel(OpenAIClientBase):
    """An OpenAI chat-completions model (``"openai:gpt-4.1"``).

    Works against any OpenAI-compatible endpoint (``base_url=``); the wire
    format lives in :func:`~locus.openai.messages_to_chat`,
    :func:`~locus.openai.parse_chat_completion` and
    :class:`~locus.openai.ChatStreamAccumulator`.

    Args:
        model: Model id, e.g. ``"gpt-4.1"``.
        api_key: API key; defaults to ``OPENAI_API_KEY``.
        base_url: Endpoint root; defaults to ``OPENAI_BASE_URL``, then OpenAI's.
        organization: Defaults to ``OPENAI_ORG_ID``.
        project: Defaults to ``OPENAI_PROJECT_ID``.
        timeout: Seconds per attempt.
        max_retries: Retries after the first attempt (429 / 5xx / timeouts), with
            backoff, jitter and ``Retry-After``.
        retry_policy: Full :class:`~locus.models.retry.RetryPolicy` (overrides ``max_retries``).
        http_client: ``httpx.AsyncClient`` to send through (transport, proxy, auth).
        default_headers: Headers on every request.
        provider_name: Name in errors and in the request guard (``"openai"``).
        require_api_key: Whether a missing key is an error at construction.
        client: A ready ``openai.AsyncOpenAI``.
        sleep: Sleep used between retries (for tests).
        temperature: Sampling temperature.
        max_tokens: Output token cap (sent as ``max_tokens_field``).
        top_p: Nucleus sampling.
        reasoning_effort: ``"minimal"``/``"low"``/``"medium"``/``"high"`` for reasoning models.
        seed: Sampling seed.
        stop: Stop sequences.
        params: Any other ``chat.completions.create`` parameters sent with every call.

    Raises:
        locus.core.errors.ModelAuthError: No API key (and ``require_api_key``).
    """

    max_tokens_field: str = "max_completion_tokens"
    """Request field for ``max_tokens`` (``"max_tokens"`` for older compatible servers)."""
    stream_usage: bool = True
    """Whether to ask for usage in the stream (``stream_options.include_usage``)."""

    def __init__(
        self,
        model: str = "gpt-4.1",
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        provider_name: str = "openai",
        require_api_key: bool = True,
        client: AsyncOpenAI | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        top_p: float | None = None,
        reasoning_effort: str | None = None,
        seed: int | None = None,
        stop: str | list[str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            organization=organization,
            project=project,
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            http_client=http_client,
            default_headers=default_headers,
            provider_name=provider_name,
            require_api_key=require_api_key,
            client=client,
            sleep=sleep,
        )
        if not model:
            raise ValidationError(f"{provider_name} model id is empty; e.g. 'openai:gpt-4.1'")
        self.model = model
        defaults: dict[str, Any] = {
            "temperature": temperature,
            "max_tokens": max_tokens,
            "top_p": top_p,
            "reasoning_effort": reasoning_effort,
            "seed": seed,
            "stop": stop,
        }
        self.defaults = {k: v for k, v in defaults.items() if v is not None}
        self.defaults.update(params or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, provider={self.provider_name!r})"

    def build_request(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None,
        kwargs: Mapping[str, Any],
    ) -> dict[str, Any]:
        """The keyword arguments for ``chat.completions.create`` (no ``stream``).

        Raises:
            ValidationError: An unknown keyword argument.
        """
        options = {**self.defaults, **kwargs}
        request: dict[str, Any] = {"model": self.model, "messages": messages_to_chat(messages)}
        chat_tools = tools_to_chat(tools)
        if chat_tools:
            request["tools"] = chat_tools
        for key, value in options.items():
            if value is None:
                continue
            if key == "max_tokens":
                request[self.max_tokens_field] = value
            elif key == "response_format":
                request[key] = normalize_response_format(value)
            elif key in CHAT_PARAMS:
                request[key] = value
            else:
                raise ValidationError(
                    f"{type(self).__name__} got an unknown option {key!r}; pass chat-completions "
                    f"parameters by name ({', '.join(sorted(CHAT_PARAMS)[:6])}, ...) or "
                    "extra_body={...} for provider-specific fields"
                )
        return request

    async def complete(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ModelResponse:
        """Run one chat completion.

        Args:
            messages: The conversation.
            tools: Tool schemas (OpenAI format).
            **kwargs: Per-call parameters (``response_format``, ``temperature``,
                ``max_tokens``, ``tool_choice``...), overriding the defaults.

        Raises:
            locus.core.errors.ModelAuthError: 401/403.
            locus.core.errors.ModelThrottledError: 429 after the retries.
            locus.core.errors.ModelResponseError: An unusable body.
            locus.core.errors.ModelError: Other failures (``reason`` says which).
        """
        request = self.build_request(messages, tools, kwargs)

        async def send() -> ModelResponse:
            raw = await self.endpoint()(**request)
            return self.parse_body(raw.http_response.json())

        return await self.run_request(send)

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ModelChunkEvent]:
        """Stream a completion as :class:`~locus.core.events.ModelChunkEvent` s.

        Yields text, reasoning and tool-call deltas, then a ``done=True`` chunk
        with ``usage`` and ``stop_reason``. Opening the stream is retried like
        :meth:`complete`; a failure after the first chunk is raised, not retried.
        """
        request = self.build_request(messages, tools, kwargs)
        request.update(self.stream_params())

        async def send() -> Any:
            raw = await self.endpoint()(**request)
            return raw.http_response

        response = await self.run_request(send)
        accumulator = self.stream_accumulator()
        try:
            async for chunk in iter_sse_json(response.aiter_lines(), provider=self.provider_name):
                for event in accumulator.feed(chunk):
                    yield event
        except LocusError:
            raise
        except Exception as exc:
            raise self.map_error(exc) from exc
        finally:
            await response.aclose()
        yield accumulator.final()

    # -- the API-specific parts (OpenAIResponsesModel overrides these) --------

    def endpoint(self) -> Any:
        """The SDK's raw-response ``create`` method this model calls."""
        return self.client.chat.completions.with_raw_response.create

    def parse_body(self, body: Any) -> ModelResponse:
        """Parse a decoded response body."""
        return parse_chat_completion(body, provider=self.provider_name)

    def stream_params(self) -> dict[str, Any]:
        """Extra request fields for a streaming call."""
        params: dict[str, Any] = {"stream": True}
        if self.stream_usage:
            params["stream_options"] = {"include_usage": True}
        return params

    def stream_accumulator(self) -> StreamAccumulator:
        """A fresh accumulator turning stream payloads into chunk events."""
        return ChatStreamAccumulator(provider=self.provider_name)
