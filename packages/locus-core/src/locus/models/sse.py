"""Server-Sent Events decoding for provider streams (stdlib only).

Every HTTP provider that streams over SSE (OpenAI-compatible endpoints,
Anthropic's Messages API, OCI's Cohere chat) decodes frames the same way;
providers add only their own event semantics on top.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from locus.core.errors import ModelResponseError
from locus.models.failover import FailoverReason

__all__ = ["iter_sse_data", "iter_sse_json"]


async def iter_sse_data(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """Yield the ``data`` payload of each SSE event.

    Multi-line ``data`` fields are joined with newlines; ``event:``/``id:``
    lines and comments are ignored; a ``[DONE]`` payload ends the stream; a
    last event without a closing blank line is still delivered.

    Args:
        lines: The response body split into lines (``httpx.Response.aiter_lines()``).
    """
    data: list[str] = []
    async for line in lines:
        if line:
            if line.startswith("data:"):
                data.append(line[6:] if line.startswith("data: ") else line[5:])
            continue
        if not data:
            continue
        payload = "\n".join(data)
        data = []
        if payload.strip() == "[DONE]":
            return
        yield payload
    if data:
        payload = "\n".join(data)
        if payload.strip() != "[DONE]":
            yield payload


async def iter_sse_json(
    lines: AsyncIterator[str], *, provider: str
) -> AsyncIterator[dict[str, Any]]:
    """Yield each SSE event's payload decoded as a JSON object.

    Args:
        lines: The response body split into lines.
        provider: Provider name for error messages.

    Raises:
        ModelResponseError: A payload is not a JSON object (reason ``MALFORMED_RESPONSE``).
    """
    async for payload in iter_sse_data(lines):
        try:
            value = json.loads(payload)
        except json.JSONDecodeError as exc:
            raise ModelResponseError(
                f"{provider} sent a stream event that is not JSON: {payload[:200]!r}",
                cause=exc,
                reason=FailoverReason.MALFORMED_RESPONSE,
            ) from exc
        if not isinstance(value, dict):
            raise ModelResponseError(
                f"{provider} sent a stream event that is not a JSON object: {payload[:200]!r}",
                reason=FailoverReason.MALFORMED_RESPONSE,
            )
        yield value
