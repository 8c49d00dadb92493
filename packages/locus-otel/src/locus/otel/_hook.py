"""``TelemetryHook``: OpenTelemetry spans and metrics of agent runs, model calls and tool calls."""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode

from locus.hooks import (
    AfterInvocationEvent,
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookProvider,
    ModelCall,
)
from locus.observability import current_run_id
from locus.otel._carrier import load_trace, store_trace
from locus.otel._metrics import Instruments
from locus.otel._semconv import (
    AGENT_ID,
    AGENT_NAME,
    CONVERSATION_ID,
    ERROR_TYPE,
    OPERATION_NAME,
    PROVIDER_NAME,
    REQUEST_MODEL,
    RESPONSE_FINISH_REASONS,
    RESPONSE_ID,
    RESPONSE_MODEL,
    SYSTEM,
    TOKEN_TYPE,
    TOOL_CALL_ARGUMENTS,
    TOOL_CALL_ID,
    TOOL_CALL_RESULT,
    TOOL_NAME,
    TOOL_TYPE,
    USAGE_INPUT_TOKENS,
    USAGE_OUTPUT_TOKENS,
    provider_of,
)

if TYPE_CHECKING:
    from locus.core.messages import ToolResult
    from locus.models.response import ModelResponse

__all__ = ["NoOpTelemetryHook", "TelemetryHook", "create_telemetry_hook"]

SCOPE = "locus.otel"
_VERSION = "0.1.0"
_RAISED = re.compile(r" raised (\w+):")


@dataclass
class _Run:
    span: Span
    context: Context
    started: float
    metric_attrs: dict[str, Any]
    tools: dict[str, tuple[Span, float, object]] = field(default_factory=dict)


class TelemetryHook(HookProvider):
    """Trace and measure an agent with OpenTelemetry (GenAI semantic conventions).

    Spans (children of whatever span is current when the run starts):

    - ``invoke_agent {agent}`` per run: ``gen_ai.operation.name``,
      ``gen_ai.agent.name`` / ``.id``, ``gen_ai.conversation.id`` (the
      thread), ``gen_ai.request.model``, ``locus.run_id``, ``locus.stop_reason``.
    - ``chat {model}`` per model call (kind CLIENT): ``gen_ai.provider.name``
      (and the older ``gen_ai.system``), request/response model,
      ``gen_ai.response.finish_reasons``, ``gen_ai.usage.input_tokens`` /
      ``output_tokens``; ``error.type`` when the call failed.
    - ``execute_tool {tool}`` per tool call: ``gen_ai.tool.name``,
      ``gen_ai.tool.call.id``, ``gen_ai.tool.type``; a failed call has an
      ERROR status, ``error.type`` and an ``exception`` event with the
      tool's traceback. The span is current while the tool body runs, so
      spans the tool opens (an agent used as a tool, an HTTP client) nest in it.

    Metrics: ``gen_ai.client.token.usage``, ``gen_ai.client.operation.duration``,
    ``gen_ai.execute_tool.duration`` and ``locus.tool.errors``.

    The run span's context is stored in ``state.metadata`` and so in every
    checkpoint of the thread: a run interrupted in one process and resumed in
    another (another server worker) continues the same trace, its new run
    span a child of, and linked to, the span of the run it resumes
    (``test_resume_in_a_second_process_continues_the_trace``).

    Args:
        tracer_provider: Provider of the tracer (default: the global one).
        meter_provider: Provider of the meter (default: the global one).
        tracer_name: Instrumentation scope of the spans.
        meter_name: Instrumentation scope of the metrics.
        record_arguments: Put tool arguments on tool spans
            (``gen_ai.tool.call.arguments``); off by default (personal data).
        record_results: Put tool results on tool spans (``gen_ai.tool.call.result``).
        priority: Hook order; 110 runs after retry hooks (one chat span per attempt).
        max_open_runs: Runs tracked at once. A run whose consumer stopped
            iterating ``agent.run()`` early never reaches ``after_invocation``;
            past this many, the oldest open run span is ended with
            ``locus.abandoned`` so memory stays bounded.
    """

    name = "TelemetryHook"

    def __init__(
        self,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
        tracer_name: str = SCOPE,
        meter_name: str = SCOPE,
        record_arguments: bool = False,
        record_results: bool = False,
        priority: int = 110,
        max_open_runs: int = 10_000,
    ) -> None:
        self.tracer = trace.get_tracer(tracer_name, _VERSION, tracer_provider=tracer_provider)
        self.instruments = Instruments(
            metrics.get_meter(meter_name, _VERSION, meter_provider=meter_provider)
        )
        self.record_arguments = record_arguments
        self.record_results = record_results
        self.priority = priority
        self.max_open_runs = max_open_runs
        self._runs: dict[str, _Run] = {}

    # -- runs ------------------------------------------------------------------

    def before_invocation(self, event: BeforeInvocationEvent) -> None:
        state, agent = event.state, event.agent
        stored_run, stored_context, stored_span = load_trace(state.metadata)
        parent: Context | None = None
        links: list[Link] = []
        resumed = stored_span is not None and stored_run == state.run_id
        if resumed:
            parent = stored_context  # same run, maybe another process: same trace
            links.append(Link(stored_span, {"locus.link": "resumed_from"}))  # type: ignore[arg-type]
        elif stored_span is not None:  # a new run on the thread: its own trace, linked
            links.append(Link(stored_span, {"locus.link": "previous_run"}))
        model = agent.model
        request_model = str(getattr(model, "model", "") or "")
        provider = provider_of(model)
        agent_name = getattr(agent, "name", None)
        attributes: dict[str, Any] = {
            OPERATION_NAME: "invoke_agent",
            PROVIDER_NAME: provider,
            SYSTEM: provider,
            AGENT_ID: str(getattr(agent, "id", "")),
            REQUEST_MODEL: request_model,
            "locus.run_id": state.run_id,
            "locus.resumed": resumed,
        }
        if agent_name:
            attributes[AGENT_NAME] = agent_name
        if state.thread_id:
            attributes[CONVERSATION_ID] = state.thread_id
        bus_run = current_run_id()
        if bus_run is not None:
            attributes["locus.bus.run_id"] = bus_run
        span = self.tracer.start_span(
            f"invoke_agent {agent_name}" if agent_name else "invoke_agent",
            context=parent,
            kind=SpanKind.INTERNAL,
            attributes=attributes,
            links=links,
        )
        store_trace(state.metadata, state.run_id, span)
        while len(self._runs) >= self.max_open_runs:  # oldest first: runs nobody finished
            stale = self._runs.pop(next(iter(self._runs)))
            stale.span.set_attribute("locus.abandoned", True)
            stale.span.end()
        self._runs[state.run_id] = _Run(
            span=span,
            context=trace.set_span_in_context(span),
            started=time.perf_counter(),
            metric_attrs={
                OPERATION_NAME: "invoke_agent",
                PROVIDER_NAME: provider,
                REQUEST_MODEL: request_model,
            },
        )

    def after_invocation(self, event: AfterInvocationEvent) -> None:
        state = event.state
        run = self._runs.pop(state.run_id, None)
        if run is None:
            return
        for call_id, (tool_span, _, _) in run.tools.items():  # paused by interrupt()
            tool_span.set_attribute("locus.tool.interrupted", True)
            tool_span.set_attribute(TOOL_CALL_ID, call_id)
            tool_span.end()
        span = run.span
        span.set_attribute("locus.iterations", state.iteration)
        span.set_attribute("locus.total_tokens", state.token_usage.total_tokens)
        if state.stop_reason:
            span.set_attribute("locus.stop_reason", state.stop_reason)
        if state.status == "interrupted":
            span.set_attribute("locus.interrupted", True)
        metric_attrs = dict(run.metric_attrs)
        if event.error is not None:
            kind = _error_kind(event.error)
            span.record_exception(event.error)
            span.set_status(Status(StatusCode.ERROR, str(event.error)))
            span.set_attribute(ERROR_TYPE, kind)
            metric_attrs[ERROR_TYPE] = kind
        self.instruments.operation_duration.record(time.perf_counter() - run.started, metric_attrs)
        span.end()

    # -- model calls -------------------------------------------------------------

    async def around_model_call(
        self, call: ModelCall, event: BeforeModelCallEvent
    ) -> ModelResponse:
        run = self._runs.get(event.state.run_id)
        model = event.agent.model if event.agent is not None else None
        request_model = str(getattr(model, "model", "") or "")
        provider = provider_of(model)
        attrs: dict[str, Any] = {
            OPERATION_NAME: "chat",
            PROVIDER_NAME: provider,
            REQUEST_MODEL: request_model,
        }
        started = time.perf_counter()
        with self.tracer.start_as_current_span(
            f"chat {request_model}" if request_model else "chat",
            context=run.context if run is not None else None,
            kind=SpanKind.CLIENT,
            attributes={**attrs, SYSTEM: provider},
            record_exception=True,
            set_status_on_exception=True,
        ) as span:
            try:
                response = await call()
            except Exception as exc:
                kind = _error_kind(exc)
                span.set_attribute(ERROR_TYPE, kind)
                self.instruments.operation_duration.record(
                    time.perf_counter() - started, {**attrs, ERROR_TYPE: kind}
                )
                raise
            self.instruments.operation_duration.record(time.perf_counter() - started, attrs)
            self._record_response(span, response, attrs)
        return response

    def _record_response(self, span: Span, response: ModelResponse, attrs: dict[str, Any]) -> None:
        if response.model:
            span.set_attribute(RESPONSE_MODEL, response.model)
            attrs = {**attrs, RESPONSE_MODEL: response.model}
        response_id = response.raw.get("id") if response.raw else None
        if isinstance(response_id, str):
            span.set_attribute(RESPONSE_ID, response_id)
        if response.stop_reason:
            span.set_attribute(RESPONSE_FINISH_REASONS, [response.stop_reason])
        usage = response.token_usage
        if response.usage:
            span.set_attribute(USAGE_INPUT_TOKENS, usage.prompt_tokens)
            span.set_attribute(USAGE_OUTPUT_TOKENS, usage.completion_tokens)
            histogram = self.instruments.token_usage
            histogram.record(usage.prompt_tokens, {**attrs, TOKEN_TYPE: "input"})
            histogram.record(usage.completion_tokens, {**attrs, TOKEN_TYPE: "output"})

    # -- tool calls ----------------------------------------------------------------

    def before_tool_call(self, event: BeforeToolCallEvent) -> None:
        run = self._runs.get(event.state.run_id)
        if run is None:
            return
        call = event.tool_call
        span = self._tool_span(run, call.name, call.id)
        if self.record_arguments:
            span.set_attribute(TOOL_CALL_ARGUMENTS, _json(event.arguments))
        # current while the body runs: spans it opens nest under the tool call
        token = otel_context.attach(trace.set_span_in_context(span, run.context))
        run.tools[call.id] = (span, time.perf_counter(), token)

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        run = self._runs.get(event.state.run_id)
        if run is None:
            return
        call, result = event.tool_call, event.result
        entry = run.tools.pop(call.id, None)
        if entry is None:  # failed before the before-hooks ran (unknown tool, bad JSON, cancelled)
            span, started = self._tool_span(run, call.name, call.id), time.perf_counter()
        else:
            span, started, token = entry
            otel_context.detach(token)  # type: ignore[arg-type]
        attrs = {OPERATION_NAME: "execute_tool", TOOL_NAME: call.name}
        if result.cached:
            span.set_attribute("locus.tool.cached", True)
        if result.in_doubt:
            span.set_attribute("locus.tool.in_doubt", True)
        if self.record_results and result.error is None:
            span.set_attribute(TOOL_CALL_RESULT, result.content)
        if result.error is not None:
            kind = _tool_error_type(result)
            attrs[ERROR_TYPE] = kind
            span.set_attribute(ERROR_TYPE, kind)
            span.set_status(Status(StatusCode.ERROR, result.error))
            if result.traceback:
                span.add_event(
                    "exception",
                    {
                        "exception.type": kind,
                        "exception.message": result.error,
                        "exception.stacktrace": result.traceback,
                    },
                )
            self.instruments.tool_errors.add(1, attrs)
        self.instruments.tool_duration.record(time.perf_counter() - started, attrs)
        span.end()

    def _tool_span(self, run: _Run, tool_name: str, call_id: str) -> Span:
        return self.tracer.start_span(
            f"execute_tool {tool_name}",
            context=run.context,
            kind=SpanKind.INTERNAL,
            attributes={
                OPERATION_NAME: "execute_tool",
                TOOL_NAME: tool_name,
                TOOL_CALL_ID: call_id,
                TOOL_TYPE: "function",
            },
        )


class NoOpTelemetryHook(HookProvider):
    """A telemetry hook that records nothing and implements no hook point.

    The agent's hook registry skips it at every point, so an agent carrying
    it runs like one without hooks (``bench/bench_otel.py``).
    """

    name = "NoOpTelemetryHook"
    priority = 110


def create_telemetry_hook(enabled: bool | None = None, **kwargs: Any) -> HookProvider:
    """A :class:`TelemetryHook`, or a :class:`NoOpTelemetryHook` when telemetry is off.

    Args:
        enabled: On or off; ``None`` follows the standard ``OTEL_SDK_DISABLED``
            environment variable (``true`` turns it off).
        **kwargs: Passed to :class:`TelemetryHook`.
    """
    if enabled is None:
        enabled = os.environ.get("OTEL_SDK_DISABLED", "").strip().lower() != "true"
    return TelemetryHook(**kwargs) if enabled else NoOpTelemetryHook()


def _error_kind(exc: BaseException) -> str:
    kind = getattr(exc, "kind", None)
    return kind if isinstance(kind, str) and kind else type(exc).__name__


def _tool_error_type(result: ToolResult) -> str:
    error = result.error or ""
    raised = _RAISED.search(error)
    if raised:
        return raised.group(1)
    if result.in_doubt or "timed out" in error:
        return "timeout"
    if error.startswith("Tool call cancelled"):
        return "cancelled"
    return "tool_error"


def _json(value: Any) -> str:
    return json.dumps(value, default=str, separators=(",", ":"), ensure_ascii=False)
