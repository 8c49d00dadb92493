"""The idempotency ledger: idempotent tools never run a call twice across retries and restarts.

An intent is recorded (and checkpointed) before the body runs, the result
after; a call with an intent and no result is *in doubt* and handled by the
tool's ``in_doubt`` policy (at most once with ``"report"``/``"fail"``; exactly
once with ``"retry"`` when the downstream dedupes on the key, as
``tests/test_exactly_once_dedupe.py`` shows under SIGKILL).

The ledger lives in :attr:`locus.core.state.AgentState.idempotency`, so it is
saved with the thread's checkpoint. Keys are ``name:sha256(canonical-json)``
of the *validated* arguments.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any, Literal

from locus.core.state import AgentState, IdempotencyRecord

__all__ = ["Lookup", "idempotency_key", "lookup", "prune", "record_done", "record_intent"]

Lookup = Literal["miss", "done", "pending"]


def idempotency_key(tool_name: str, canonical_args: str) -> str:
    """``name:sha256(canonical JSON of the validated arguments)``."""
    digest = hashlib.sha256(canonical_args.encode("utf-8")).hexdigest()
    return f"{tool_name}:{digest}"


def lookup(
    state: AgentState, key: str, *, scope: str, run_id: str
) -> tuple[Lookup, IdempotencyRecord | None]:
    """Find a live record for ``key``: ``("done"|"pending", record)`` or ``("miss", None)``.

    Expired records and run-scoped records of another run count as a miss.
    """
    record = state.idempotency.get(key)
    if record is None or record.expired():
        return "miss", None
    if scope == "run" and record.run_id != run_id:
        return "miss", None
    return record.status, record


def record_intent(
    state: AgentState,
    key: str,
    *,
    tool_name: str,
    canonical_args: str,
    run_id: str,
    ttl: float | None,
) -> IdempotencyRecord:
    """Write a ``pending`` record before the body runs."""
    now = time.time()
    record = IdempotencyRecord(
        key=key,
        tool_name=tool_name,
        arguments_json=canonical_args,
        status="pending",
        run_id=run_id,
        created_at=now,
        expires_at=now + ttl if ttl is not None else None,
    )
    state.idempotency[key] = record
    return record


def record_done(
    state: AgentState, key: str, *, content: str, error: str | None, value: Any
) -> IdempotencyRecord | None:
    """Complete the record of ``key`` with the call's outcome."""
    record = state.idempotency.get(key)
    if record is None:
        return None
    record.status = "done"
    record.content = content
    record.error = error
    record.value = value if _jsonable(value) else None
    return record


def prune(state: AgentState) -> int:
    """Drop expired records; returns how many were dropped."""
    stale = [key for key, rec in state.idempotency.items() if rec.expired()]
    for key in stale:
        del state.idempotency[key]
    return len(stale)


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True
