"""A minimal Server-Sent Events decoder for OpenAI-style streams."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from locus.core.errors import ModelResponseError
from locus.models.failover import FailoverReason

__all__ = ["iter_sse_json"]


async def iter_sse_json(
    lines: AsyncIterator[str], *, provider: str
) -> AsyncIterator[dict[str, Any]]:
    """Decode ``data:`` payloads of an SSE stream into JSON objects.

    Multi-line ``data`` fields are joined with newlines; ``event:``/``id:``
    lines and comments are ignored (OpenAI payloads carry their own ``type``);
    the ``[DONE]`` sentinel ends the stream.

    Args:
        lines: The response body split into lines (``httpx.Response.aiter_lines()``).
        provider: Provider name for error messages.

    Raises:
        ModelResponseError: A payload is not a JSON object.
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
        yield _decode(payload, provider)
    if data:
        payload = "\n".join(data)
        if payload.strip() != "[DONE]":
            yield _decode(payload, provider)


def _decode(payload: str, provider: str) -> dict[str, Any]:
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
    return value
