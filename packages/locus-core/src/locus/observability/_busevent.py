"""The event record the bus stores and delivers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

__all__ = ["BusEvent"]


@dataclass(frozen=True, slots=True)
class BusEvent:
    """One event on the bus.

    Attributes:
        event_type: Canonical dotted type (``"agent.think"``); see ``EVENT_CATALOGUE``.
        run_id: The run the event belongs to.
        data: JSON-compatible payload; its keys are listed in the catalogue.
        seq: Position in the run, starting at 1, strictly increasing.
        timestamp: Unix time the bus received the event.
        parent_run_id: The enclosing run when the event comes from a nested
            ``run_context()``; ``None`` for a top-level run.
    """

    event_type: str
    run_id: str
    data: dict[str, Any]
    seq: int
    timestamp: float = field(default_factory=time.time)
    parent_run_id: str | None = None

    @property
    def event_id(self) -> str:
        """``"<run_id>:<seq>"``: unique on the bus (the original locus's ``event_id``)."""
        return f"{self.run_id}:{self.seq}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (``event_id`` included)."""
        return {
            "event_id": self.event_id,
            "event_type": self.event_type,
            "run_id": self.run_id,
            "data": self.data,
            "seq": self.seq,
            "timestamp": self.timestamp,
            "parent_run_id": self.parent_run_id,
        }
