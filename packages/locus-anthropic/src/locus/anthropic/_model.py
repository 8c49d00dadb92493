"""``AnthropicModel``: Claude through the official ``anthropic`` SDK, with locus retries."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from locus.anthropic._errors import map_anthropic_error, missing_key_error
from locus.anthropic._parse import AnthropicStreamAccumulator, OutputSpec, parse_message
from locus.anthropic._request import build_request
from locus.anthropic._sse import iter_stream_events
from locus.core.errors import LocusError, ValidationError
from locus.core.events import ModelChunkEvent
from locus.core.messages import Message
from locus.models.guard import check_allow_model_requests
from locus.models.response import ModelResponse
from locus.models.retry import RetryPolicy, retry_async

if TYPE_CHECKING:
    from anthropic import AsyncAnthropic

__all__ = ["DEFAULT_TIMEOUT", "AnthropicModel"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 600.0


class AnthropicModel:
    """An Anthropic Claude model (``"anthropic:claude-sonnet-4-5"``).

    Sends through the official ``anthropic`` SDK with its own retries disabled;
    locus retries 429 / 5xx / ``overloaded_error`` / timeouts with backoff,
    jitter and ``Retry-After``.

    Args:
        model: Model id, e.g. ``"claude-sonnet-4-5"``.
        api_key: API key; defaults to ``ANTHROPIC_API_KEY``.
        base_url: API root; defaults to ``ANTHROPIC_BASE_URL``, then Anthropic's.
        timeout: Seconds per attempt.
        max_retries: Retries after the first attempt.
        retry_policy: Full :class:`~locus.models.retry.RetryPolicy` (overrides ``max_retries``).
        http_client: The SDK's HTTP client (``httpx2.AsyncClient`` for ``anthropic>=2``),
            e.g. with a mock transport in tests, a proxy or custom auth.
        default_headers: Headers on every request (``anthropic-beta``...).
        client: A ready ``anthropic.AsyncAnthropic``; the endpoint arguments are then ignored.
        sleep: Awaitable sleep between retries (tests inject a recorder).
        max_tokens: Output token cap; the API requires one (default 8192, raised
            above the thinking budget when thinking is on and none was given).
        temperature: Sampling temperature.
        top_p: Nucleus sampling.
        top_k: Top-k sampling.
        stop_sequences: Custom stop sequences.
        thinking: Extended thinking: a token budget (``thinking=4096``) or the API
            dict (``{"type": "enabled", "budget_tokens": 4096}``).
        prompt_caching: Put ``cache_control: {"type": "ephemeral"}`` on the system
            prompt and the last tool definition (default True).
        structured_output: How ``response_format`` is honoured: ``"tool"``
            (tool-forcing, every model) or ``"native"`` (``output_config.format``).
        params: Any other ``messages.create`` parameters sent with every call.

    Raises:
        locus.core.errors.ModelAuthError: No API key (and no ``client``).
        locus.core.errors.ValidationError: Bad arguments.
    """

    provider_name = "anthropic"
    api_key_env = "ANTHROPIC_API_KEY"
    base_url_env = "ANTHROPIC_BASE_URL"

    def __init__(
        self,
        model: str = "claude-sonnet-4-6",
        *,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        retry_policy: RetryPolicy | None = None,
        http_client: Any = None,
        default_headers: Mapping[str, str] | None = None,
        client: AsyncAnthropic | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        top_p: float | None = None,
        top_k: int | None = None,
        stop_sequences: list[str] | None = None,
        thinking: int | Mapping[str, Any] | None = None,
        prompt_caching: bool = True,
        structured_output: str = "tool",
        params: Mapping[str, Any] | None = None,
    ) -> None:
        if not model:
            raise ValidationError("anthropic model id is empty; e.g. 'anthropic:claude-sonnet-4-5'")
        if max_retries < 0:
            raise ValidationError(f"max_retries must be >= 0, got {max_retries}")
        if structured_output not in ("tool", "native"):
            raise ValidationError(
                f"structured_output must be 'tool' or 'native', got {structured_output!r}"
            )
        _check_http_client(http_client)
        self.model = model
        self.api_key = api_key or os.environ.get(self.api_key_env) or None
        if self.api_key is None and client is None:
            raise missing_key_error(self.api_key_env)
        self.base_url = base_url or os.environ.get(self.base_url_env) or None
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy(max_attempts=max_retries + 1)
        self.http_client = http_client
        self.default_headers = dict(default_headers or {})
        self.prompt_caching = prompt_caching
        self.structured_output = structured_output
        defaults: dict[str, Any] = {
            "max_tokens": max_tokens,
            "temperature": temperature,
            "top_p": top_p,
            "top_k": top_k,
            "stop_sequences": stop_sequences,
            "thinking": thinking,
        }
        self.defaults = {k: v for k, v in defaults.items() if v is not None}
        self.defaults.update(params or {})
        self._client = client
        self._sleep = sleep or asyncio.sleep

    def __repr__(self) -> str:
        return f"AnthropicModel(model={self.model!r})"

    @property
    def client(self) -> AsyncAnthropic:
        """The ``anthropic.AsyncAnthropic`` client, built on first use (SDK retries off)."""
        if self._client is None:
            from anthropic import AsyncAnthropic

            kwargs: dict[str, Any] = {
                "api_key": self.api_key,
                "max_retries": 0,
                "default_headers": self.default_headers or None,
                "http_client": self.http_client,
            }
            if self.base_url:
                kwargs["base_url"] = self.base_url
            if self.timeout is not None:
                kwargs["timeout"] = self.timeout
            self._client = AsyncAnthropic(**kwargs)
        return self._client

    def build_request(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        kwargs: Mapping[str, Any] | None = None,
    ) -> tuple[dict[str, Any], OutputSpec | None]:
        """The ``messages.create`` keyword arguments (no ``stream``) and the structured-output spec.

        Raises:
            ValidationError: An unknown option or an inconsistent combination.
        """
        kwargs = kwargs or {}
        options = {**self.defaults, **kwargs}
        return build_request(
            self.model,
            messages,
            tools,
            options,
            prompt_caching=self.prompt_caching,
            structured_output=self.structured_output,
        )

    async def _run(self, send: Callable[[], Awaitable[T]]) -> T:
        async def attempt() -> T:
            check_allow_model_requests(self.provider_name)
            try:
                return await send()
            except Exception as exc:
                raise map_anthropic_error(exc) from exc

        return await retry_async(attempt, self.retry_policy, sleep=self._sleep)

    async def complete(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ModelResponse:
        """Run one Messages API call.

        Args:
            messages: The conversation.
            tools: Tool schemas (OpenAI or Anthropic format).
            **kwargs: Per-call options overriding the defaults: ``response_format``,
                ``max_tokens``, ``temperature``, ``thinking``, ``tool_choice``...

        Raises:
            locus.core.errors.ModelAuthError: 401/403.
            locus.core.errors.ModelThrottledError: 429 after the retries.
            locus.core.errors.ModelResponseError: An unusable body.
            locus.core.errors.ModelError: Other failures (``reason`` says which).
        """
        request, output = self.build_request(messages, tools, kwargs)

        async def send() -> ModelResponse:
            raw = await self.client.messages.with_raw_response.create(**request)
            return parse_message(await raw.json(), output=output)

        return await self._run(send)

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ModelChunkEvent]:
        """Stream a completion as :class:`~locus.core.events.ModelChunkEvent` s.

        Reads the Messages API event stream (``message_start``,
        ``content_block_start``/``_delta``/``_stop``, ``message_delta``,
        ``message_stop``) off the SDK's HTTP response. Yields text, thinking
        (``reasoning``) and tool-call deltas, then a ``done=True`` chunk with
        ``usage``, ``stop_reason`` and, after extended thinking, the signed
        thinking blocks in ``metadata["anthropic_thinking"]`` (so the turn the
        agent assembles from the chunks sends them back). Opening the
        stream is retried like :meth:`complete`; a failure mid-stream (an
        ``error`` event such as ``overloaded_error``) is raised, not retried.
        """
        request, output = self.build_request(messages, tools, kwargs)

        async def send() -> Any:
            raw = await self.client.messages.with_raw_response.create(**request, stream=True)
            return raw.http_response

        response = await self._run(send)
        accumulator = AnthropicStreamAccumulator(output=output)
        try:
            async for event in iter_stream_events(response.aiter_lines()):
                for chunk in accumulator.feed(event):
                    yield chunk
        except LocusError:
            raise
        except Exception as exc:
            raise map_anthropic_error(exc) from exc
        finally:
            await response.aclose()
        yield accumulator.final()


def _check_http_client(http_client: Any) -> None:
    if http_client is None:
        return
    root = type(http_client).__module__.partition(".")[0]
    if root == "httpx":
        raise ValidationError(
            "the anthropic SDK (>=2) sends through httpx2, not httpx: pass "
            "http_client=httpx2.AsyncClient(...) (e.g. transport=httpx2.MockTransport(handler))"
        )
