"""Answers to pending interrupts, recorded in a saved (JSON) graph position."""

from __future__ import annotations

from typing import Any

__all__ = ["answer_position"]


def answer_position(position: dict[str, Any], interrupt_id: str, answer: Any) -> bool:
    """Record ``answer`` in a saved (JSON) graph position, nested subgraphs included.

    Returns:
        Whether ``interrupt_id`` is one of the position's pending interrupts.
    """
    for item in position.get("interrupts", []):
        if item["value"].get("interrupt_id") != interrupt_id:
            continue
        key = item["key"]
        nested = position.get("subgraphs", {}).get(key)
        if nested is None or not answer_position(nested, interrupt_id, answer):
            position.setdefault("resumes", {}).setdefault(key, []).append(answer)
        return True
    return False
