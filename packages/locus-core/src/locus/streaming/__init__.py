"""Stream handlers: render or forward a run's events as they happen.

Feed a handler from ``agent.run()`` (typed events) or from a bus
subscription (``BusEvent`` s)::

    from locus.streaming import SSEHandler, stream_to

    sse = SSEHandler()
    await stream_to(agent.run("hello"), sse)
    body = sse.format_all()

:func:`encode_sse` is the SSE wire encoding of one event, shared by every
SSE producer (the AgentServer's ``/stream`` included). ``ConsoleHandler``
renders with ``rich`` (``pip install 'locus-core[console]'``); it is loaded
only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from locus.streaming._event import AnyEvent, EventView, event_view
from locus.streaming.handler import (
    BaseStreamHandler,
    BufferingHandler,
    CompositeHandler,
    FilteringHandler,
    StreamHandler,
    stream_to,
)
from locus.streaming.sse import (
    AsyncSSEHandler,
    SSEHandler,
    SSEMessage,
    create_sse_response_headers,
    encode_sse,
    sse_payload,
)

if TYPE_CHECKING:
    from locus.streaming.console import ConsoleHandler, MinimalConsoleHandler
    from locus.streaming.structured import StructuredStream, stream_structured

__all__ = [
    "AnyEvent",
    "AsyncSSEHandler",
    "BaseStreamHandler",
    "BufferingHandler",
    "CompositeHandler",
    "ConsoleHandler",
    "EventView",
    "FilteringHandler",
    "MinimalConsoleHandler",
    "SSEHandler",
    "SSEMessage",
    "StreamHandler",
    "StructuredStream",
    "create_sse_response_headers",
    "encode_sse",
    "event_view",
    "sse_payload",
    "stream_structured",
    "stream_to",
]

_LAZY = {
    "ConsoleHandler": "locus.streaming.console",
    "MinimalConsoleHandler": "locus.streaming.console",
    "StructuredStream": "locus.streaming.structured",
    "stream_structured": "locus.streaming.structured",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.streaming' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
