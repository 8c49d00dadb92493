"""Delta envelopes as plain JSON: the format check, the shape check, reassembly.

What :func:`locus.checkpoint._chain.materialise` uses to rebuild a full envelope
without validating the state (see :mod:`locus.checkpoint._delta` for the fields).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from locus.core.errors import CheckpointSerializationError

__all__ = ["DELTA_FORMAT", "apply_json", "check_format", "corrupt", "parse_delta_json", "prefix"]

DELTA_FORMAT = 1
"""Version of the delta envelope's shape (``"d"``), independent of the state schema."""


def _where(thread_id: str, checkpoint_id: str) -> str:
    return f"checkpoint {checkpoint_id!r} of thread {thread_id!r}"


def check_format(d: Any, thread_id: str, checkpoint_id: str) -> None:
    """Fail closed on a delta format newer than this locus reads (``d`` is the envelope's)."""
    if isinstance(d, int) and d > DELTA_FORMAT:
        raise CheckpointSerializationError(
            f"{_where(thread_id, checkpoint_id)} is a delta of format d{d}, newer than this "
            f"locus reads (d{DELTA_FORMAT}); upgrade locus-core to load it"
        )


def corrupt(thread_id: str, checkpoint_id: str, exc: Exception) -> CheckpointSerializationError:
    """The error of a corrupt delta, naming the thread and checkpoint."""
    return CheckpointSerializationError(
        f"{_where(thread_id, checkpoint_id)} is a corrupt delta checkpoint: {exc}", cause=exc
    )


_JSON_SHAPE: dict[str, type | tuple[type, ...]] = {
    "d": int,
    "v": int,
    "bs": str,
    "ch": list,
    "fs": dict,
    "ia": dict,
    "ix": list,
    "ma": list,
    "mk": int,
    "ta": list,
    "tk": int,
}


def parse_delta_json(payload: str | bytes, thread_id: str, checkpoint_id: str) -> dict[str, Any]:
    """Parse a delta envelope to plain JSON values, checking its shape (not the state's).

    Raises:
        locus.core.errors.CheckpointSerializationError: it is not a delta
            envelope of a format this locus reads.
    """
    try:
        obj = json.loads(payload)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise corrupt(thread_id, checkpoint_id, exc) from exc
    if not isinstance(obj, dict):
        raise corrupt(thread_id, checkpoint_id, ValueError("not a JSON object"))
    check_format(obj.get("d"), thread_id, checkpoint_id)
    for key, kind in _JSON_SHAPE.items():
        value = obj.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise corrupt(thread_id, checkpoint_id, ValueError(f"field {key!r} is {value!r:.60}"))
    if obj["mk"] < 0 or obj["tk"] < 0:
        raise corrupt(thread_id, checkpoint_id, ValueError("negative kept count"))
    return obj


def prefix(items: list[Any], kept: int, what: str, thread_id: str, cid: str) -> list[Any]:
    """The ``kept`` first items of a base's list (a corrupt delta keeps more than it has)."""
    if kept > len(items):
        raise CheckpointSerializationError(
            f"{_where(thread_id, cid)} is a corrupt delta: it keeps {kept} {what} of a base "
            f"that has {len(items)}"
        )
    return items[:kept]


def apply_json(
    envelope: Mapping[str, Any], deltas: Sequence[tuple[str, dict[str, Any]]], thread_id: str
) -> dict[str, Any]:
    """Reassemble a full envelope (plain JSON values) from a snapshot's and its deltas'.

    Raises:
        locus.core.errors.CheckpointSerializationError: the snapshot is not an
            envelope or a delta does not fit it.
    """
    state = envelope.get("state")
    if not isinstance(state, dict):
        where = deltas[0][0] if deltas else "?"
        raise CheckpointSerializationError(
            f"the snapshot under {_where(thread_id, where)} is not a locus checkpoint envelope"
        )
    state = dict(state)
    for cid, delta in deltas:
        for key, kind in (("messages", list), ("tool_executions", list), ("idempotency", dict)):
            if not isinstance(state.get(key, kind()), kind):
                raise corrupt(thread_id, cid, ValueError(f"its base's {key!r} is not a {kind}"))
        state["messages"] = (
            prefix(state.get("messages", []), delta["mk"], "messages", thread_id, cid) + delta["ma"]
        )
        state["tool_executions"] = (
            prefix(state.get("tool_executions", []), delta["tk"], "tool executions", thread_id, cid)
            + delta["ta"]
        )
        ledger = {k: r for k, r in state.get("idempotency", {}).items() if k not in delta["ix"]}
        state["idempotency"] = ledger | delta["ia"]
        state.update(delta["fs"])
    return {**envelope, "state": state}
