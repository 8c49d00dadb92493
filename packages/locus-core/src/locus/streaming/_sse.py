"""The Server-Sent Events wire encoding of locus events (stdlib + pydantic only).

:func:`encode_sse` is the one place that turns an event into an SSE frame;
``SSEHandler``, ``AsyncSSEHandler`` and the AgentServer's ``/stream`` use it,
so every SSE client sees the same frames::

    id: 7
    event: agent.tool.started
    data: {"event_type":"agent.tool.started","data":{...},"timestamp":...}

The ``data`` line is one JSON object: ``event_type``, ``data`` (the event's
bus payload, as listed in the event catalogue), ``timestamp`` and, for bus
events, ``run_id`` and ``seq``. Decode it with
:func:`locus.models.sse.iter_sse_json`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict

from locus.streaming._event import AnyEvent, event_view

__all__ = ["SSEMessage", "create_sse_response_headers", "encode_sse", "sse_payload"]


class SSEMessage(BaseModel):
    """One Server-Sent Events frame.

    Attributes:
        event: The ``event:`` field (the event type).
        data: The ``data:`` payload (JSON text for locus events).
        id: The ``id:`` field (``Last-Event-ID`` on reconnect), if any.
        retry: Reconnection delay in milliseconds for the client, if any.
    """

    model_config = ConfigDict(frozen=True)

    event: str | None = None
    data: str = ""
    id: str | None = None
    retry: int | None = None

    def format(self) -> str:
        """The frame as sent on the wire, ending with its blank line."""
        lines: list[str] = []
        if self.id is not None:
            lines.append(f"id: {_one_line(self.id)}")
        if self.event is not None:
            lines.append(f"event: {_one_line(self.event)}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        # a payload with newlines becomes several data: lines; clients join them with "\n"
        lines.extend(f"data: {part}" for part in self.data.split("\n"))
        return "\n".join(lines) + "\n\n"


def _one_line(value: str) -> str:
    return value.replace("\r", " ").replace("\n", " ")


def sse_payload(event: AnyEvent) -> dict[str, Any]:
    """The JSON object an event's ``data:`` line carries."""
    view = event_view(event)
    payload: dict[str, Any] = {
        "event_type": view.event_type,
        "data": view.data,
        "timestamp": view.timestamp,
    }
    if view.run_id is not None:
        payload["run_id"] = view.run_id
        payload["seq"] = view.seq
    return payload


def encode_sse(event: AnyEvent, *, id: str | int | None = None, retry: int | None = None) -> str:
    """One event as an SSE frame (``id:``, ``event:``, ``data:`` lines and a blank line).

    Args:
        event: A typed event from ``agent.run()`` or a bus event from a subscription.
        id: The frame id; defaults to the bus event's ``seq`` (none for typed events).
        retry: Optional client reconnection delay in milliseconds.

    Returns:
        The frame text, ready to write to a ``text/event-stream`` response.
    """
    payload = sse_payload(event)
    if id is None and payload.get("seq") is not None:
        id = payload["seq"]
    data = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)
    message = SSEMessage(
        event=payload["event_type"], data=data, id=None if id is None else str(id), retry=retry
    )
    return message.format()


def create_sse_response_headers() -> dict[str, str]:
    """Response headers for an SSE stream (no caching, no proxy buffering)."""
    return {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache",
        "Connection": "keep-alive",
        "X-Accel-Buffering": "no",
    }
