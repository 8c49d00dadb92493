"""The original locus's ``locus.observability.event_bus`` path.

``EventBus`` and ``get_event_bus`` are :mod:`locus.observability`'s;
``StreamEvent`` is :class:`~locus.observability.BusEvent` (``event_id`` and
``to_dict()`` included); ``reset_event_bus()`` closes the process-wide bus and
lets the next use build a fresh one.
"""

from __future__ import annotations

from locus.observability._bus import EventBus
from locus.observability._busevent import BusEvent
from locus.observability._context import get_event_bus, set_event_bus

__all__ = ["EventBus", "StreamEvent", "get_event_bus", "reset_event_bus"]

StreamEvent = BusEvent


def reset_event_bus() -> None:
    """Close the process-wide bus (ending its subscriptions); the next use builds a new one."""
    old = set_event_bus(None)
    if old is not None:
        old.close()
