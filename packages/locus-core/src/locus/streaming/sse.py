"""Server-Sent Events: the wire encoding of locus events, and the SSE stream handlers.

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

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from pydantic import BaseModel, ConfigDict

from locus.streaming._event import AnyEvent, event_view
from locus.streaming.handler import BaseStreamHandler

__all__ = [
    "AsyncSSEHandler",
    "SSEHandler",
    "SSEMessage",
    "create_sse_response_headers",
    "encode_sse",
    "error_frame",
    "sse_payload",
]


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


_DONE = SSEMessage(event="done", data="{}")


def error_frame(error: BaseException) -> SSEMessage:
    """The ``event: error`` frame for a failed stream (``error_kind`` and ``message``)."""
    kind = getattr(error, "kind", None) or type(error).__name__
    data = json.dumps({"error_kind": kind, "message": str(error)}, separators=(",", ":"))
    return SSEMessage(event="error", data=data)


class _Numbering:
    def __init__(self, include_id: bool, id_prefix: str) -> None:
        self.include_id = include_id
        self.id_prefix = id_prefix
        self.count = 0

    def frame(self, event: AnyEvent) -> str:
        self.count += 1
        frame_id = f"{self.id_prefix}{self.count}" if self.include_id else None
        if frame_id is None:
            return encode_sse(event)
        return encode_sse(event, id=frame_id)


class SSEHandler(BaseStreamHandler):
    """Encodes each event as an SSE frame (:func:`encode_sse`) and keeps the frames.

    The stream ends with an ``event: done`` frame, or an ``event: error``
    frame carrying ``error_kind`` and ``message``.

    Args:
        include_id: Number the frames (``id: <prefix><n>``) so clients can resume.
        id_prefix: Prefix of the frame ids.
    """

    def __init__(self, include_id: bool = True, id_prefix: str = "") -> None:
        self._numbering = _Numbering(include_id, id_prefix)
        self._frames: deque[str] = deque()
        self._complete = False
        self._error: BaseException | None = None

    def on_event(self, event: AnyEvent) -> None:
        self._frames.append(self._numbering.frame(event))

    def on_complete(self) -> None:
        self._complete = True
        self._frames.append(_DONE.format())

    def on_error(self, error: BaseException) -> None:
        self._error = error
        self._frames.append(error_frame(error).format())

    def get_messages(self) -> list[str]:
        """Frames produced so far (kept)."""
        return list(self._frames)

    def pop_messages(self) -> list[str]:
        """Frames produced since the last pop (removed)."""
        out = list(self._frames)
        self._frames.clear()
        return out

    def format_all(self) -> str:
        """Every kept frame concatenated: a complete ``text/event-stream`` body."""
        return "".join(self._frames)

    def is_complete(self) -> bool:
        """Whether the stream ended normally."""
        return self._complete

    def has_error(self) -> bool:
        """Whether the stream failed."""
        return self._error is not None

    def clear(self) -> None:
        """Drop kept frames."""
        self._frames.clear()


class AsyncSSEHandler(BaseStreamHandler):
    """Serves frames as they are produced: ``async for frame in handler.stream()``.

    Feed it from one task (``await handler.consume(agent.run(...))``) and
    return ``handler.stream()`` as a streaming HTTP body from another; the
    iterator ends after the ``done`` or ``error`` frame.
    """

    def __init__(self, include_id: bool = True, id_prefix: str = "") -> None:
        self._numbering = _Numbering(include_id, id_prefix)
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._complete = False

    def on_event(self, event: AnyEvent) -> None:
        self._queue.put_nowait(self._numbering.frame(event))

    def on_complete(self) -> None:
        self._queue.put_nowait(_DONE.format())
        self._finish()

    def on_error(self, error: BaseException) -> None:
        self._queue.put_nowait(error_frame(error).format())
        self._finish()

    def _finish(self) -> None:
        self._complete = True
        self._queue.put_nowait(None)

    def is_complete(self) -> bool:
        """Whether the stream has ended (normally or not)."""
        return self._complete

    async def stream(self) -> AsyncIterator[str]:
        """Frames until the stream ends."""
        while True:
            frame = await self._queue.get()
            if frame is None:
                return
            yield frame

    async def stream_messages(self) -> AsyncIterator[dict[str, Any]]:
        """The decoded ``data`` objects of the frames until the stream ends."""
        async for frame in self.stream():
            data = "\n".join(line[6:] for line in frame.splitlines() if line.startswith("data: "))
            yield json.loads(data)
