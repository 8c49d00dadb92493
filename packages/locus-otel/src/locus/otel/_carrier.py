"""Trace context stored with the checkpoint: W3C ``traceparent`` in ``state.metadata``.

The run span's context is written into ``AgentState.metadata`` when a run
starts, so every later checkpoint of the thread carries it. A process that
resumes the run reads it back and continues the same trace.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanContext, get_current_span, set_span_in_context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from locus.observability import TRACE_CONTEXT_KEY

__all__ = ["TRACE_KEY", "load_trace", "store_trace"]

TRACE_KEY = TRACE_CONTEXT_KEY
"""``AgentState.metadata`` key of the stored trace context (core's ``TRACE_CONTEXT_KEY``)."""

_PROPAGATOR = TraceContextTextMapPropagator()


def store_trace(metadata: dict[str, Any], run_id: str, span: Span) -> None:
    """Record ``span`` as the trace context of run ``run_id`` in ``metadata``."""
    carrier: dict[str, str] = {}
    _PROPAGATOR.inject(carrier, context=set_span_in_context(span))
    metadata[TRACE_KEY] = {"run_id": run_id, **carrier}


def load_trace(metadata: dict[str, Any]) -> tuple[str | None, Context | None, SpanContext | None]:
    """The stored ``(run_id, context, span_context)``; ``(None, None, None)`` when absent or bad."""
    stored = metadata.get(TRACE_KEY)
    if not isinstance(stored, dict) or not isinstance(stored.get("traceparent"), str):
        return None, None, None
    carrier = {k: v for k, v in stored.items() if isinstance(v, str)}
    context = _PROPAGATOR.extract(carrier)
    span_context = get_current_span(context).get_span_context()
    if not span_context.is_valid:
        return None, None, None
    run_id = stored.get("run_id")
    return (run_id if isinstance(run_id, str) else None), context, span_context
