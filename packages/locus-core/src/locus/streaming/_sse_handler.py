"""SSE stream handlers: buffer frames, or serve them as an async iterator of text."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from locus.streaming._event import AnyEvent
from locus.streaming._handler import BaseStreamHandler
from locus.streaming._sse import SSEMessage, encode_sse

__all__ = ["AsyncSSEHandler", "SSEHandler", "error_frame"]

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
