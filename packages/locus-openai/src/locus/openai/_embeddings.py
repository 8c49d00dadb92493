"""``OpenAIEmbeddings``: text embeddings from OpenAI or an OpenAI-compatible endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from locus.core.errors import ValidationError
from locus.models.retry import RetryPolicy
from locus.openai._client import DEFAULT_TIMEOUT, OpenAIClientBase
from locus.openai._errors import malformed_response

if TYPE_CHECKING:
    import httpx

    from openai import AsyncOpenAI

__all__ = ["OpenAIEmbeddings"]


class OpenAIEmbeddings(OpenAIClientBase):
    """Embed texts with ``/v1/embeddings`` (``text-embedding-3-small`` by default).

    Args:
        model: Embedding model id.
        dimensions: Output size, for models that can shorten their vectors.
        batch_size: Texts per request; longer lists are split and re-joined in order.
        api_key: Defaults to ``OPENAI_API_KEY``. The other endpoint arguments
            are those of :class:`~locus.openai.OpenAIModel`.

    Raises:
        locus.core.errors.ModelAuthError: No API key (and ``require_api_key``).
    """

    def __init__(
        self,
        model: str = "text-embedding-3-small",
        *,
        dimensions: int | None = None,
        batch_size: int = 512,
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
        if batch_size < 1:
            raise ValidationError(f"batch_size must be >= 1, got {batch_size}")
        self.model = model
        self.dimensions = dimensions
        self.batch_size = batch_size

    def __repr__(self) -> str:
        return f"OpenAIEmbeddings(model={self.model!r}, provider={self.provider_name!r})"

    async def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order.

        Raises:
            ValidationError: ``texts`` is not a list of strings.
            locus.core.errors.ModelError: The request failed (see :class:`OpenAIModel`).
        """
        if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
            raise ValidationError("embed() takes a list of strings; use embed_query() for one")
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self.batch_size):
            vectors.extend(await self._embed_batch(texts[start : start + self.batch_size]))
        return vectors

    async def embed_query(self, text: str) -> list[float]:
        """The vector of one text."""
        return (await self.embed([text]))[0]

    async def _embed_batch(self, batch: list[str]) -> list[list[float]]:
        request: dict[str, Any] = {
            "model": self.model,
            "input": batch,
            "encoding_format": "float",
        }
        if self.dimensions is not None:
            request["dimensions"] = self.dimensions

        async def send() -> list[list[float]]:
            create: Any = self.client.embeddings.with_raw_response.create
            raw = await create(**request)
            return self._parse(raw.http_response.json(), len(batch))

        return await self.run_request(send)

    def _parse(self, body: Any, expected: int) -> list[list[float]]:
        try:
            items = sorted(body["data"], key=lambda item: item.get("index", 0))
            vectors = [[float(x) for x in item["embedding"]] for item in items]
        except (KeyError, TypeError, ValueError) as exc:
            raise malformed_response(self.provider_name, "no data[].embedding", exc) from exc
        if len(vectors) != expected:
            raise malformed_response(
                self.provider_name, f"{len(vectors)} embeddings for {expected} texts"
            )
        return vectors
