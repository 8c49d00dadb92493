"""A minimal Server-Sent Events decoder for the Messages API stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from locus.anthropic._errors import error_from_payload, malformed_response

__all__ = ["iter_stream_events"]


async def iter_stream_events(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """Decode the ``data:`` payloads of a Messages API stream into event dicts.

    Each payload carries its own ``type`` (``message_start``,
    ``content_block_delta``...), so ``event:`` lines are not needed; ``ping``
    events are dropped and an ``error`` event is raised as the matching locus
    error (``overloaded_error`` → ``ModelError`` with ``OVERLOADED``...).

    Args:
        lines: The response body split into lines (``Response.aiter_lines()``).

    Raises:
        locus.core.errors.ModelError: An ``error`` event.
        locus.core.errors.ModelResponseError: A payload that is not a JSON object.
    """
    data: list[str] = []
    async for line in lines:
        if line:
            if line.startswith("data:"):
                data.append(line[6:] if line.startswith("data: ") else line[5:])
            continue
        if data:
            payload = _decode("\n".join(data))
            data = []
            if payload is not None:
                yield payload
    if data:
        payload = _decode("\n".join(data))
        if payload is not None:
            yield payload


def _decode(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise malformed_response(f"a stream event is not JSON: {text[:200]!r}", exc) from exc
    if not isinstance(value, dict):
        raise malformed_response(f"a stream event is not a JSON object: {text[:200]!r}")
    kind = value.get("type")
    if kind == "ping":
        return None
    if kind == "error":
        raise error_from_payload(value)
    return value
