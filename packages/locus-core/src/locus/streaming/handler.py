"""Stream handlers: objects that receive a run's events as they happen.

A handler has three methods: ``on_event`` for each event, ``on_complete``
once the stream ended, ``on_error`` when it failed. Feed one from
``agent.run()`` or a bus subscription with :meth:`BaseStreamHandler.consume`
or :func:`stream_to`.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable, Iterable
from typing import Protocol, runtime_checkable

from locus.streaming._event import AnyEvent, event_view

__all__ = [
    "BaseStreamHandler",
    "BufferingHandler",
    "CompositeHandler",
    "FilteringHandler",
    "StreamHandler",
    "stream_to",
]


@runtime_checkable
class StreamHandler(Protocol):
    """What receives a stream of events."""

    def on_event(self, event: AnyEvent) -> None:
        """Handle one event (a typed ``LocusEvent`` or a ``BusEvent``)."""

    def on_complete(self) -> None:
        """The stream ended normally."""

    def on_error(self, error: BaseException) -> None:
        """The stream failed with ``error`` (it is re-raised to the caller)."""


async def stream_to(events: AsyncIterable[AnyEvent], *handlers: StreamHandler) -> AnyEvent | None:
    """Deliver every event of ``events`` to ``handlers``; return the last event.

    ``on_complete`` is called when the stream ends; if it raises,
    ``on_error`` is called and the error propagates.
    """
    last: AnyEvent | None = None
    try:
        async for event in events:
            last = event
            for handler in handlers:
                handler.on_event(event)
    except BaseException as exc:
        for handler in handlers:
            handler.on_error(exc)
        raise
    for handler in handlers:
        handler.on_complete()
    return last


class BaseStreamHandler:
    """Base class with no-op methods; override what you need."""

    def on_event(self, event: AnyEvent) -> None:
        """Handle one event."""

    def on_complete(self) -> None:
        """The stream ended normally."""

    def on_error(self, error: BaseException) -> None:
        """The stream failed."""

    async def consume(self, events: AsyncIterable[AnyEvent]) -> AnyEvent | None:
        """Feed ``events`` to this handler (see :func:`stream_to`); return the last event."""
        return await stream_to(events, self)


class BufferingHandler(BaseStreamHandler):
    """Keeps events (the last ``max_size`` when set) and errors for later inspection."""

    def __init__(self, max_size: int | None = None) -> None:
        if max_size is not None and max_size < 1:
            from locus.core.errors import ValidationError

            raise ValidationError(f"BufferingHandler(max_size) must be >= 1, got {max_size}")
        self.max_size = max_size
        self._events: list[AnyEvent] = []
        self._errors: list[BaseException] = []
        self._complete = False

    def on_event(self, event: AnyEvent) -> None:
        self._events.append(event)
        if self.max_size is not None and len(self._events) > self.max_size:
            del self._events[0]

    def on_complete(self) -> None:
        self._complete = True

    def on_error(self, error: BaseException) -> None:
        self._errors.append(error)

    def get_events(self, event_type: str | None = None) -> list[AnyEvent]:
        """The buffered events, optionally only those of ``event_type``."""
        if event_type is None:
            return list(self._events)
        return [e for e in self._events if e.event_type == event_type]

    def get_errors(self) -> list[BaseException]:
        """Errors the stream reported."""
        return list(self._errors)

    def is_complete(self) -> bool:
        """Whether the stream ended normally."""
        return self._complete

    def clear(self) -> None:
        """Forget events, errors and completion."""
        self._events.clear()
        self._errors.clear()
        self._complete = False


class CompositeHandler(BaseStreamHandler):
    """Fans every call out to several handlers, in order."""

    def __init__(self, handlers: Iterable[StreamHandler] | None = None) -> None:
        self.handlers: list[StreamHandler] = list(handlers or ())

    def add_handler(self, handler: StreamHandler) -> None:
        """Append ``handler``."""
        self.handlers.append(handler)

    def remove_handler(self, handler: StreamHandler) -> None:
        """Remove ``handler`` (no error when absent)."""
        if handler in self.handlers:
            self.handlers.remove(handler)

    def on_event(self, event: AnyEvent) -> None:
        for handler in self.handlers:
            handler.on_event(event)

    def on_complete(self) -> None:
        for handler in self.handlers:
            handler.on_complete()

    def on_error(self, error: BaseException) -> None:
        for handler in self.handlers:
            handler.on_error(error)


class FilteringHandler(BaseStreamHandler):
    """Passes to ``delegate`` only the events that pass the filters.

    Args:
        delegate: The handler that receives the kept events.
        event_types: Keep only these types (or prefixes ending in ``.*``).
        exclude_types: Drop these types (or prefixes ending in ``.*``).
        filter_fn: Keep an event only when this returns True.
    """

    def __init__(
        self,
        delegate: StreamHandler,
        event_types: set[str] | None = None,
        exclude_types: set[str] | None = None,
        filter_fn: Callable[[AnyEvent], bool] | None = None,
    ) -> None:
        self.delegate = delegate
        self.event_types = event_types
        self.exclude_types = exclude_types or set()
        self.filter_fn = filter_fn

    def _keeps(self, event: AnyEvent) -> bool:
        kind = event_view(event).event_type
        if self.event_types is not None and not _matches(kind, self.event_types):
            return False
        if _matches(kind, self.exclude_types):
            return False
        return self.filter_fn is None or bool(self.filter_fn(event))

    def on_event(self, event: AnyEvent) -> None:
        if self._keeps(event):
            self.delegate.on_event(event)

    def on_complete(self) -> None:
        self.delegate.on_complete()

    def on_error(self, error: BaseException) -> None:
        self.delegate.on_error(error)


def _matches(kind: str, patterns: set[str]) -> bool:
    if kind in patterns:
        return True
    return any(p.endswith(".*") and kind.startswith(p[:-1]) for p in patterns)
