"""Where a run's W3C trace context lives in its state, and reading its ids without a tracer.

A tracing hook (locus-otel's ``TelemetryHook``) writes the run span's
``traceparent`` under :data:`TRACE_CONTEXT_KEY` in ``AgentState.metadata``,
so it is checkpointed with the thread; logging reads the ids back from there
without importing any tracing library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["TRACE_CONTEXT_KEY", "trace_ids"]

TRACE_CONTEXT_KEY = "locus_trace"
"""``AgentState.metadata`` key of the run's stored trace context
(``{"run_id": ..., "traceparent": ..., "tracestate": ...}``)."""

_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$")


def trace_ids(metadata: Mapping[str, Any], run_id: str | None = None) -> dict[str, str]:
    """``{"trace_id", "run_span_id"}`` from the stored ``traceparent``, or ``{}``.

    Args:
        metadata: ``AgentState.metadata``.
        run_id: Only ids stored by this run count (a thread's previous run
            may have been traced when this one is not).
    """
    stored = metadata.get(TRACE_CONTEXT_KEY)
    if not isinstance(stored, Mapping):
        return {}
    if run_id is not None and stored.get("run_id") != run_id:
        return {}
    match = _TRACEPARENT.match(str(stored.get("traceparent", "")))
    if match is None:
        return {}
    return {"trace_id": match.group(1), "run_span_id": match.group(2)}
