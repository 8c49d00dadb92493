"""Run scoping: ``run_context``, ``activity`` and the zero-cost publish helpers.

When no run context is open, :func:`publish_event`, :func:`emit` and
:func:`current_run_id` read one ContextVar and return: nothing is allocated.
"""

from __future__ import annotations

import threading
import uuid
from contextvars import ContextVar, Token
from types import TracebackType
from typing import TYPE_CHECKING, Any

from locus.observability._bus import EventBus

if TYPE_CHECKING:
    from locus.core.events import LocusEvent

__all__ = [
    "activity",
    "current_run_id",
    "emit",
    "get_event_bus",
    "parent_run_id",
    "publish_event",
    "run_context",
    "set_event_bus",
]


class _Scope:
    __slots__ = ("bus", "parent_id", "run_id")

    def __init__(self, run_id: str, parent_id: str | None, bus: EventBus) -> None:
        self.run_id = run_id
        self.parent_id = parent_id
        self.bus = bus


_SCOPE: ContextVar[_Scope | None] = ContextVar("locus_run_scope", default=None)
_BUS: EventBus | None = None
_BUS_LOCK = threading.Lock()


def get_event_bus() -> EventBus:
    """The process-wide :class:`EventBus`, built on first use from ``LocusSettings``.

    ``LOCUS_EVENT_QUEUE_SIZE`` and ``LOCUS_EVENT_HISTORY_LIMIT`` size it.
    """
    global _BUS
    bus = _BUS
    if bus is not None:
        return bus
    with _BUS_LOCK:
        if _BUS is None:
            from locus.core.config import get_settings

            settings = get_settings()
            _BUS = EventBus(
                queue_size=settings.event_queue_size,
                history_limit=settings.event_history_limit,
                retention_seconds=settings.event_retention_seconds,
            )
        return _BUS


def set_event_bus(bus: EventBus | None) -> EventBus | None:
    """Replace the process-wide bus (``None`` rebuilds it on next use); returns the old one.

    Meant for tests and for embedding applications that size the bus themselves.
    """
    global _BUS
    with _BUS_LOCK:
        old, _BUS = _BUS, bus
    return old


def current_run_id() -> str | None:
    """The id of the innermost open ``run_context()``, or ``None``."""
    scope = _SCOPE.get()
    return None if scope is None else scope.run_id


def parent_run_id() -> str | None:
    """The id of the run enclosing the current nested run, or ``None``."""
    scope = _SCOPE.get()
    return None if scope is None else scope.parent_id


def publish_event(event: LocusEvent) -> None:
    """Publish a typed event under the current run; a no-op outside ``run_context()``.

    Args:
        event: Any :class:`locus.core.events.LocusEvent`; it goes on the bus as
            ``event.event_type`` with ``event.bus_data()``.
    """
    scope = _SCOPE.get()
    if scope is None:
        return
    scope.bus.publish(scope.run_id, event.event_type, event.bus_data())


def emit(event_type: str, data: dict[str, Any] | None = None, /, **fields: Any) -> None:
    """Publish an untyped event under the current run; a no-op outside ``run_context()``.

    Callers on a hot path should test ``current_run_id() is not None`` before
    building ``data``.

    Args:
        event_type: Canonical dotted type from ``EVENT_CATALOGUE``
            (``"memory.checkpoint.saved"``).
        data: Payload (JSON-compatible values).
        **fields: More payload keys, merged over ``data``.
    """
    scope = _SCOPE.get()
    if scope is None:
        return
    payload = dict(data) if data else {}
    if fields:
        payload.update(fields)
    scope.bus.publish(scope.run_id, event_type, payload)


class run_context:
    """Open a run: events published inside go to the bus under its id.

    Usable as ``async with`` or plain ``with``; yields the run id. Nested
    contexts open child runs whose events carry ``parent_run_id``. Closing the
    context ends every subscription to the run; its history stays replayable
    for the bus's retention window.

    Args:
        run_id: Id to use (a new uuid hex when ``None``).
        bus: Bus to publish to (default: :func:`get_event_bus`).
    """

    __slots__ = ("_bus", "_run_id", "_token")

    def __init__(self, run_id: str | None = None, *, bus: EventBus | None = None) -> None:
        self._run_id = run_id or uuid.uuid4().hex
        self._bus = bus
        self._token: Token[_Scope | None] | None = None

    @property
    def run_id(self) -> str:
        """The id of the run."""
        return self._run_id

    def __enter__(self) -> str:
        if self._token is not None:
            raise RuntimeError("run_context is not reentrant; open a new one")
        bus = self._bus or get_event_bus()
        outer = _SCOPE.get()
        parent = outer.run_id if outer is not None and outer.run_id != self._run_id else None
        bus.open_run(self._run_id, parent)
        self._token = _SCOPE.set(_Scope(self._run_id, parent, bus))
        return self._run_id

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        token, self._token = self._token, None
        if token is None:
            return
        scope = _SCOPE.get()
        try:
            _SCOPE.reset(token)
        except ValueError:  # exited in another context (e.g. another task): restore by hand
            _SCOPE.set(token.old_value if token.old_value is not Token.MISSING else None)
        if scope is not None:
            scope.bus.close_run(scope.run_id)

    async def __aenter__(self) -> str:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class _Activity:
    __slots__ = ("_bus", "_run_id")

    def __init__(self, scope: _Scope | None) -> None:
        self._run_id = scope.run_id if scope is not None else None
        self._bus = scope.bus if scope is not None else None

    def __enter__(self) -> str | None:
        if self._bus is not None and self._run_id is not None:
            self._bus.begin_activity(self._run_id)
        return self._run_id

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bus is not None and self._run_id is not None:
            self._bus.end_activity(self._run_id)

    async def __aenter__(self) -> str | None:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)


_NO_ACTIVITY = _Activity(None)


def activity() -> _Activity:
    """Mark an active producer (an agent run, a graph run) in the current run.

    Sync and async context manager yielding the run id (or ``None``). A
    non-follow ``subscribe(run_id)`` ends once every activity that began in
    the run has ended. Wrap a multi-agent flow in one ``activity()`` so its
    subscribers do not end between two agent runs. A no-op outside
    ``run_context()``.
    """
    scope = _SCOPE.get()
    if scope is None:
        return _NO_ACTIVITY
    return _Activity(scope)
