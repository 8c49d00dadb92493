"""``LoggingHook`` and ``StructuredLoggingHook``: an agent's lifecycle on stdlib logging.

``LoggingHook`` writes one readable ``key=value`` line per run, model call
and tool call; ``StructuredLoggingHook`` writes the same records as JSON
lines carrying ``run_id``, ``thread_id`` and ``span_id`` (plus the
OpenTelemetry ``trace_id``/``span_id`` when a span is active). A tool whose
body raised is logged at WARNING with its traceback.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from locus.core.events import preview
from locus.hooks._base import (
    AfterInvocationEvent,
    AfterModelCallEvent,
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
)
from locus.observability import trace_ids

__all__ = ["LoggingHook", "StructuredLoggingHook"]


class LoggingHook(HookProvider):
    """Log runs, model calls and tool calls to ``logger_name``.

    Args:
        level: Level of the normal records (failures log at WARNING/ERROR).
        logger_name: Logger to write to.
        extra: Fields added to every record.
        log_arguments: Include tool arguments.
        log_results: Include (a preview of) tool results and answers.
        priority: Hook order (default ``HookPriority.LOW``: after guardrails).
    """

    name = "LoggingHook"

    def __init__(
        self,
        level: int = logging.INFO,
        logger_name: str = "locus.agent",
        extra: dict[str, Any] | None = None,
        log_arguments: bool = False,
        log_results: bool = False,
        priority: int = HookPriority.LOW,
    ) -> None:
        self.level = level
        self.logger = logging.getLogger(logger_name)
        self.extra = dict(extra or {})
        self.log_arguments = log_arguments
        self.log_results = log_results
        self.priority = priority

    # -- hook points -----------------------------------------------------------

    def before_invocation(self, event: BeforeInvocationEvent) -> None:
        self._log(
            self.level,
            "run.started",
            event.state,
            agent=getattr(event.agent, "name", None),
            prompt=preview(event.prompt) if self.log_results else None,
        )

    def after_invocation(self, event: AfterInvocationEvent) -> None:
        state = event.state
        if event.error is not None:
            self._log(
                logging.ERROR,
                "run.failed",
                state,
                error_kind=getattr(event.error, "kind", type(event.error).__name__),
                error=str(event.error),
                exc_info=event.error,
            )
            return
        message = getattr(event.result, "message", None)
        self._log(
            self.level,
            "run.completed",
            state,
            stop_reason=state.stop_reason,
            iterations=state.iteration,
            total_tokens=state.token_usage.total_tokens,
            answer=preview(message) if self.log_results and message else None,
        )

    def before_model_call(self, event: BeforeModelCallEvent) -> None:
        self._log(
            self.level,
            "model.started",
            event.state,
            iteration=event.state.iteration,
            messages=len(event.messages),
            tools=len(event.tools or ()),
        )

    def after_model_call(self, event: AfterModelCallEvent) -> None:
        response = event.response
        self._log(
            self.level,
            "model.completed",
            event.state,
            model=response.model,
            stop_reason=response.stop_reason,
            tool_calls=len(response.message.tool_calls),
            total_tokens=response.usage.get("total_tokens"),
        )

    def before_tool_call(self, event: BeforeToolCallEvent) -> None:
        self._log(
            self.level,
            "tool.started",
            event.state,
            span_id=event.tool_call.id,
            tool=event.tool_call.name,
            arguments=event.arguments if self.log_arguments else None,
        )

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        result = event.result
        failed = result.error is not None
        self._log(
            logging.WARNING if failed else self.level,
            "tool.failed" if failed else "tool.completed",
            event.state,
            span_id=event.tool_call.id,
            tool=event.tool_call.name,
            duration_ms=round(result.duration_ms, 3),
            cached=result.cached or None,
            error=result.error,
            result=preview(result.content) if self.log_results and not failed else None,
            traceback=result.traceback,
        )

    # -- output ------------------------------------------------------------------

    def _log(
        self,
        level: int,
        event: str,
        state: Any,
        *,
        exc_info: BaseException | None = None,
        **fields: Any,
    ) -> None:
        if not self.logger.isEnabledFor(level):
            return
        record = {
            "event": event,
            "run_id": state.run_id,
            "thread_id": state.thread_id,
            **self._trace_fields(state),
            **self.extra,
            **{k: v for k, v in fields.items() if v is not None},
        }
        self.logger.log(level, self.format(level, record), exc_info=exc_info)

    def _trace_fields(self, state: Any) -> dict[str, str]:
        return {}

    def format(self, level: int, record: dict[str, Any]) -> str:
        """The log message of ``record`` (``event key=value ...``; a traceback on its own lines)."""
        trace = record.pop("traceback", None)
        head = record.pop("event")
        text = " ".join([head, *(f"{k}={_text(v)}" for k, v in record.items())])
        return f"{text}\n{trace.rstrip()}" if trace else text


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value if value and " " not in value and "=" not in value else json.dumps(value)
    return json.dumps(value, default=str, separators=(",", ":"))


class StructuredLoggingHook(LoggingHook):
    """:class:`LoggingHook` writing one JSON object per record (JSON lines).

    Every line has ``event``, ``level``, ``run_id``, ``thread_id`` and, for
    tool records, ``span_id`` (the tool call id) and ``traceback`` when the
    body raised. When the run is traced (locus-otel's ``TelemetryHook`` stores
    the run's trace context in its state), ``trace_id`` and ``run_span_id``
    are added to every line, and ``otel_span_id`` while an OpenTelemetry span
    is current (a tool call's span).

    Args:
        include_timestamps: Add ``ts`` (Unix time, seconds).
        See :class:`LoggingHook` for the others.
    """

    name = "StructuredLoggingHook"

    def __init__(
        self,
        level: int = logging.INFO,
        logger_name: str = "locus.agent.structured",
        extra: dict[str, Any] | None = None,
        include_timestamps: bool = True,
        log_arguments: bool = False,
        log_results: bool = False,
        priority: int = HookPriority.LOW,
    ) -> None:
        super().__init__(level, logger_name, extra, log_arguments, log_results, priority)
        self.include_timestamps = include_timestamps

    def _trace_fields(self, state: Any) -> dict[str, str]:
        ids = trace_ids(state.metadata, state.run_id)  # the run's trace, stored by a tracing hook
        ids.update(_otel_ids())  # the span current now, when a tracer is loaded and live
        return ids

    def format(self, level: int, record: dict[str, Any]) -> str:
        line: dict[str, Any] = {"event": record.pop("event"), "level": logging.getLevelName(level)}
        if self.include_timestamps:
            line["ts"] = round(time.time(), 6)
        line.update(record)
        return json.dumps(line, default=str, separators=(",", ":"), ensure_ascii=False)


def _otel_ids() -> dict[str, str]:
    """The current OpenTelemetry trace/span ids, when OpenTelemetry is loaded and a span is live."""
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:  # never import it: logging must not pay for tracing it does not use
        return {}
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {"trace_id": f"{context.trace_id:032x}", "otel_span_id": f"{context.span_id:016x}"}
