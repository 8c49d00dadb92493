"""``OllamaModel`` and ``OllamaEmbeddings``: the OpenAI wire format against Ollama."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from locus.core.errors import ModelError
from locus.models.failover import FailoverReason
from locus.models.retry import RetryPolicy
from locus.ollama._host import ollama_base_url
from locus.openai import OpenAIEmbeddings, OpenAIModel

if TYPE_CHECKING:
    import httpx

__all__ = ["OllamaEmbeddings", "OllamaModel"]

DEFAULT_TIMEOUT = 300.0
_HINT = "Is Ollama running? Start it with `ollama serve` (or set OLLAMA_HOST)."


def _with_pull_hint(error: Exception, model: str) -> Exception:
    """Add ``ollama pull`` advice to a model-not-found error."""
    if (
        isinstance(error, ModelError)
        and error.reason is FailoverReason.BAD_REQUEST
        and "not found" in str(error)
    ):
        return type(error)(
            f"{error} — pull it first: `ollama pull {model}`",
            cause=error.__cause__,
            reason=error.reason,
        )
    return error


class OllamaModel(OpenAIModel):
    """A local Ollama model (``"ollama:llama3.2"``) over Ollama's OpenAI-compatible API.

    Chat, streaming, parallel tool calls, JSON-schema structured output,
    images (vision models) and ``reasoning`` of thinking models all use the
    wire format of :class:`locus.openai.OpenAIModel`.

    Args:
        model: An Ollama model tag, e.g. ``"llama3.2"`` or ``"qwen3:8b"``.
        host: Ollama's address; defaults to ``OLLAMA_HOST``, then ``http://localhost:11434``.
        api_key: Only for an authenticating proxy in front of Ollama
            (defaults to ``OLLAMA_API_KEY``); none is needed otherwise.
        timeout: Seconds per attempt (local models can be slow to load).
        **kwargs: The other arguments of :class:`~locus.openai.OpenAIModel`
            (``http_client``, ``max_retries``, ``temperature``, ``max_tokens``...).
    """

    api_key_env = "OLLAMA_API_KEY"
    base_url_env = None
    organization_env = None
    project_env = None
    placeholder_api_key = "ollama"
    connection_hint = _HINT
    max_tokens_field = "max_tokens"

    def __init__(
        self,
        model: str = "llama3.2",
        *,
        host: str | None = None,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        retry_policy: RetryPolicy | None = None,
        http_client: httpx.AsyncClient | None = None,
        default_headers: Mapping[str, str] | None = None,
        provider_name: str = "ollama",
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
            model,
            api_key=api_key,
            base_url=base_url or ollama_base_url(host),
            timeout=timeout,
            max_retries=max_retries,
            retry_policy=retry_policy,
            http_client=http_client,
            default_headers=default_headers,
            provider_name=provider_name,
            require_api_key=False,
            sleep=sleep,
            temperature=temperature,
            max_tokens=max_tokens,
            top_p=top_p,
            reasoning_effort=reasoning_effort,
            seed=seed,
            stop=stop,
            params=params,
        )

    def map_error(self, exc: BaseException) -> Exception:
        """Map like OpenAI, adding ``ollama serve`` / ``ollama pull`` advice."""
        return _with_pull_hint(super().map_error(exc), self.model)


class OllamaEmbeddings(OpenAIEmbeddings):
    """Embeddings from a local Ollama model (``/v1/embeddings``), e.g. ``nomic-embed-text``.

    Args:
        model: An Ollama embedding model tag.
        host: Defaults to ``OLLAMA_HOST``, then ``http://localhost:11434``.
        **kwargs: The other arguments of :class:`~locus.openai.OpenAIEmbeddings`.
    """

    api_key_env = "OLLAMA_API_KEY"
    base_url_env = None
    organization_env = None
    project_env = None
    placeholder_api_key = "ollama"
    connection_hint = _HINT

    def __init__(
        self,
        model: str = "nomic-embed-text",
        *,
        host: str | None = None,
        dimensions: int | None = None,
        batch_size: int = 256,
        base_url: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        max_retries: int = 2,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        super().__init__(
            model,
            dimensions=dimensions,
            batch_size=batch_size,
            base_url=base_url or ollama_base_url(host),
            timeout=timeout,
            max_retries=max_retries,
            http_client=http_client,
            provider_name="ollama",
            require_api_key=False,
            sleep=sleep,
        )

    def map_error(self, exc: BaseException) -> Exception:
        """Map like OpenAI, adding ``ollama serve`` / ``ollama pull`` advice."""
        return _with_pull_hint(super().map_error(exc), self.model)
