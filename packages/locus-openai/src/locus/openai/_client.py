"""Endpoint, credentials, retries and error mapping shared by the OpenAI-compatible classes."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from locus.core.errors import ValidationError
from locus.models.guard import check_allow_model_requests
from locus.models.retry import RetryPolicy, retry_async
from locus.openai._errors import map_openai_error, missing_key_error

if TYPE_CHECKING:
    import httpx

    from openai import AsyncOpenAI

__all__ = ["DEFAULT_TIMEOUT", "OpenAIClientBase"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 120.0
_PLACEHOLDER_KEY = "not-needed"


class OpenAIClientBase:
    """Holds an ``openai.AsyncOpenAI`` client and runs requests with locus retries.

    Subclass it (or the model classes) for an OpenAI-compatible endpoint:
    pass ``base_url``, an ``http_client`` carrying your own ``httpx`` auth
    (request signing), ``default_headers`` and a ``provider_name``; set
    ``require_api_key=False`` when the endpoint authenticates another way.

    Args:
        api_key: API key; defaults to the ``api_key_env`` environment variable.
        base_url: Endpoint root (``.../v1``); defaults to ``base_url_env`` then the SDK's default.
        organization: OpenAI organization id; defaults to ``OPENAI_ORG_ID``.
        project: OpenAI project id; defaults to ``OPENAI_PROJECT_ID``.
        timeout: Seconds per request attempt.
        max_retries: Retries after the first attempt on 429 / 5xx / timeouts
            (ours; the SDK's own retries are disabled).
        retry_policy: Full retry policy; overrides ``max_retries``.
        http_client: An ``httpx.AsyncClient`` (custom transport, proxy, auth).
        default_headers: Headers sent with every request.
        provider_name: Name used in error messages and the request guard.
        require_api_key: Raise :class:`~locus.core.errors.ModelAuthError` when no key is found.
        client: A ready ``openai.AsyncOpenAI``; the endpoint arguments are then ignored.
        sleep: Awaitable sleep used between retries (tests inject a recorder).

    Raises:
        locus.core.errors.ModelAuthError: No API key and ``require_api_key``.
    """

    api_key_env: str = "OPENAI_API_KEY"
    base_url_env: str | None = "OPENAI_BASE_URL"
    organization_env: str | None = "OPENAI_ORG_ID"
    project_env: str | None = "OPENAI_PROJECT_ID"
    connection_hint: str = ""
    placeholder_api_key: str = _PLACEHOLDER_KEY
    """Sent as the bearer token when the endpoint needs no key (``require_api_key=False``)."""

    def __init__(
        self,
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
    ) -> None:
        if max_retries < 0:
            raise ValidationError(f"max_retries must be >= 0, got {max_retries}")
        self.provider_name = provider_name
        self.api_key = api_key or os.environ.get(self.api_key_env) or None
        if self.api_key is None and client is None and require_api_key:
            raise missing_key_error(provider_name, self.api_key_env)
        self.base_url = base_url or _env(self.base_url_env)
        self.organization = organization or _env(self.organization_env)
        self.project = project or _env(self.project_env)
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy(max_attempts=max_retries + 1)
        self.http_client = http_client
        self.default_headers = dict(default_headers or {})
        self._sleep = sleep or asyncio.sleep
        self._client = client

    @property
    def client(self) -> AsyncOpenAI:
        """The ``openai.AsyncOpenAI`` client, built on first use."""
        if self._client is None:
            self._client = self.build_client()
        return self._client

    def build_client(self) -> AsyncOpenAI:
        """Build the SDK client (override to customise); SDK retries are disabled."""
        from openai import AsyncOpenAI

        kwargs: dict[str, Any] = {
            "api_key": self.api_key or self.placeholder_api_key,
            "organization": self.organization,
            "project": self.project,
            "max_retries": 0,
            "default_headers": self.default_headers or None,
            "http_client": self.http_client,
        }
        if self.base_url:
            kwargs["base_url"] = self.base_url
        if self.timeout is not None:
            kwargs["timeout"] = self.timeout
        return AsyncOpenAI(**kwargs)

    async def run_request(self, send: Callable[[], Awaitable[T]]) -> T:
        """Run ``send`` under the request guard, error mapping and the retry policy."""

        async def attempt() -> T:
            check_allow_model_requests(self.provider_name)
            try:
                return await send()
            except Exception as exc:
                raise self.map_error(exc) from exc

        return await retry_async(attempt, self.retry_policy, sleep=self._sleep)

    def map_error(self, exc: BaseException) -> Exception:
        """Map an SDK / httpx exception to a locus error (override to add provider hints)."""
        return map_openai_error(exc, provider=self.provider_name, hint=self.connection_hint)


def _env(name: str | None) -> str | None:
    return (os.environ.get(name) or None) if name else None
