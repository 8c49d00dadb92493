"""One view of an event for stream handlers: its type, data, run and id.

Handlers accept both the typed events ``agent.run()`` yields
(:class:`~locus.core.events.LocusEvent`) and the :class:`~locus.observability.BusEvent`
s a bus subscription yields; :func:`event_view` reads either the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locus.core.events import LocusEvent
from locus.observability import BusEvent

__all__ = ["AnyEvent", "EventView", "event_view"]

AnyEvent = LocusEvent | BusEvent
"""What a stream handler accepts."""


@dataclass(frozen=True, slots=True)
class EventView:
    """An event reduced to what a handler renders.

    Attributes:
        event_type: Canonical dotted type (``"agent.tool.started"``).
        data: The event's bus payload (catalogued keys, ``*_preview`` included).
        timestamp: Unix time of the event.
        run_id: The bus run id, when the event came from the bus.
        seq: Position in its run, when the event came from the bus.
    """

    event_type: str
    data: dict[str, Any]
    timestamp: float
    run_id: str | None = None
    seq: int | None = None


def event_view(event: AnyEvent) -> EventView:
    """The :class:`EventView` of a typed event or a bus event.

    Raises:
        locus.core.errors.ValidationError: ``event`` is neither.
    """
    if isinstance(event, BusEvent):
        return EventView(event.event_type, event.data, event.timestamp, event.run_id, event.seq)
    if isinstance(event, LocusEvent):
        return EventView(event.event_type, event.bus_data(), event.timestamp)
    from locus.core.errors import ValidationError

    raise ValidationError(
        f"stream handlers take locus.core.events.LocusEvent or locus.observability.BusEvent "
        f"objects, got {type(event).__name__}"
    )
