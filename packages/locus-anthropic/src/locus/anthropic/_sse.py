"""Messages API stream events, on core's SSE decoder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from locus.anthropic._errors import PROVIDER, error_from_payload
from locus.models.sse import iter_sse_json

__all__ = ["iter_stream_events"]


async def iter_stream_events(lines: AsyncIterator[str]) -> AsyncIterator[dict[str, Any]]:
    """Decode the events of a Messages API stream.

    Each payload carries its own ``type`` (``message_start``,
    ``content_block_delta``...); ``ping`` events are dropped and an ``error``
    event is raised as the matching locus error (``overloaded_error`` →
    ``ModelError`` with ``OVERLOADED``...).

    Args:
        lines: The response body split into lines (``Response.aiter_lines()``).

    Raises:
        locus.core.errors.ModelError: An ``error`` event.
        locus.core.errors.ModelResponseError: A payload that is not a JSON object.
    """
    async for event in iter_sse_json(lines, provider=PROVIDER):
        kind = event.get("type")
        if kind == "ping":
            continue
        if kind == "error":
            raise error_from_payload(event)
        yield event
