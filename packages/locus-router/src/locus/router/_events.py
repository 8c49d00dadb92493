"""The router's events on the EventBus (no-ops outside ``run_context()``)."""

from __future__ import annotations

from typing import Any

from locus.core.events import preview
from locus.observability import current_run_id, emit

__all__ = ["publish"]


def publish(event_type: str, **data: Any) -> None:
    """Emit a ``router.*`` event when a run context is open."""
    if current_run_id() is not None:
        emit(event_type, data)


def frame_data(text: str, frame: Any) -> dict[str, Any]:
    """Keys of ``router.goal.extracted``."""
    return {
        "goal_preview": preview(text),
        "task_type": frame.primary_goal.value,
        "risk": frame.risk.value,
        "complexity": frame.complexity.value,
        "domain": frame.domain,
    }
