"""``TelemetrySubscriber``: spans of graphs, graph nodes and pattern steps, from the EventBus.

Graphs and patterns (pipelines, loops, orchestrators, swarms, handoffs, the
Functional API) publish their progress on the EventBus; this subscriber turns
those events into spans, timed from the events' own timestamps, so it may
run behind the producer without skewing them.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from locus.observability import BusEvent, EventBus, Subscription, get_event_bus
from locus.otel._hook import _VERSION, SCOPE
from locus.otel._semconv import (
    CONVERSATION_ID,
    OPERATION_NAME,
)

__all__ = ["TelemetrySubscriber"]

_NAME_KEYS = ("graph", "pipeline", "loop", "orchestrator", "workflow")
_PATTERNS = ("orchestrator", "swarm", "handoff", "deepagent")


def _ns(seconds: float) -> int:
    return int(seconds * 1_000_000_000)


@dataclass
class _Open:
    span: Span
    mark: float  # when the last step ended (steps without a start event begin here)
    started: float
    children: dict[str, Span] = field(default_factory=dict)


class TelemetrySubscriber:
    """Turn graph and pattern events on the EventBus into OpenTelemetry spans.

    - a graph run is an ``invoke_workflow {graph}`` span
      (``gen_ai.operation.name="invoke_workflow"``); each node step is a
      ``node {name}`` child span (``locus.graph.node``, ``locus.graph.step``,
      ``locus.graph.updates``); retries are span events; an interrupt ends
      the span with ``locus.interrupted``.
    - a pattern (``composition.sequential|parallel|loop``,
      ``multiagent.orchestrator|swarm|handoff|deepagent``) is an
      ``invoke_workflow {name}`` span with one child span per step, branch,
      iteration, turn, delegation or handoff.
    - a Functional API ``@task`` is a ``task {name}`` span.

    Use it around the work, or ``start()`` / ``stop()`` it with the app::

        async with TelemetrySubscriber():
            async with run_context():
                await graph.ainvoke({...})

    Args:
        tracer_provider: Provider of the tracer (default: the global one).
        bus: Bus to watch (default: :func:`locus.observability.get_event_bus`).
        queue_size: Events buffered between the producer and the subscriber;
            beyond it the bus drops events (counted in ``dropped``) rather
            than slow the producer.
    """

    def __init__(
        self,
        *,
        tracer_provider: trace.TracerProvider | None = None,
        bus: EventBus | None = None,
        queue_size: int = 65_536,
    ) -> None:
        self.tracer = trace.get_tracer(SCOPE, _VERSION, tracer_provider=tracer_provider)
        self._bus = bus
        self.queue_size = queue_size
        self._subscription: Subscription | None = None
        self._task: asyncio.Task[None] | None = None
        self._open: dict[tuple[str, str], _Open] = {}

    @property
    def dropped(self) -> int:
        """Events the bus dropped because this subscriber fell behind."""
        return self._subscription.dropped if self._subscription is not None else 0

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> None:
        """Subscribe to every run; inside an event loop, consume events as they come."""
        if self._subscription is not None:
            return
        bus = self._bus or get_event_bus()
        self._subscription = bus.subscribe_global(queue_size=self.queue_size)
        with contextlib.suppress(RuntimeError):  # no running loop: flush() / stop() consume
            self._task = asyncio.get_running_loop().create_task(self._consume())

    async def _consume(self) -> None:
        assert self._subscription is not None
        async for event in self._subscription:
            self.handle(event)

    def flush(self) -> None:
        """Handle every event received so far (spans of finished work are ended)."""
        if self._subscription is not None:
            for event in self._subscription.drain():
                self.handle(event)

    def stop(self) -> None:
        """Handle what was received, unsubscribe, and end spans still open (as unfinished)."""
        self.flush()
        if self._subscription is not None:
            self._subscription.close()
            self._subscription = None
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for opened in self._open.values():
            opened.span.set_attribute("locus.unfinished", True)
            opened.span.end()
        self._open.clear()

    def __enter__(self) -> TelemetrySubscriber:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    async def __aenter__(self) -> TelemetrySubscriber:
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.sleep(0)  # let the consumer task take what is already queued
        self.stop()

    # -- mapping -----------------------------------------------------------------

    def handle(self, event: BusEvent) -> None:
        """Turn one bus event into span work (ignored when not a graph or pattern event)."""
        parts = event.event_type.split(".")
        if parts[0] == "multiagent" and len(parts) > 2 and parts[1] == "graph":
            self._graph(event, parts[2:])
        elif parts[0] == "multiagent" and len(parts) == 3 and parts[1] == "task":
            self._task_event(event, parts[2])
        elif event.event_type == "multiagent.specialist.completed":
            self._specialist(event)
        elif (parts[0] == "composition" and len(parts) >= 3) or (
            parts[0] == "multiagent" and len(parts) >= 3 and parts[1] in _PATTERNS
        ):
            self._pattern(event, parts[1], ".".join(parts[2:]))

    def _start(self, event: BusEvent, key: str, name: str, attributes: dict[str, Any]) -> _Open:
        parent = self._open.get((event.run_id, "graph"))
        span = self.tracer.start_span(
            f"invoke_workflow {name}",
            context=trace.set_span_in_context(parent.span) if parent and key != "graph" else None,
            kind=SpanKind.INTERNAL,
            start_time=_ns(event.timestamp),
            attributes={
                OPERATION_NAME: "invoke_workflow",
                "locus.bus.run_id": event.run_id,
                **attributes,
            },
        )
        opened = _Open(span, event.timestamp, event.timestamp)
        self._open[(event.run_id, key)] = opened
        return opened

    def _child(
        self,
        opened: _Open | None,
        name: str,
        start: float,
        end: float,
        attributes: dict[str, Any],
        error: str | None = None,
    ) -> None:
        context = trace.set_span_in_context(opened.span) if opened is not None else None
        span = self.tracer.start_span(
            name, context=context, start_time=_ns(start), attributes=attributes
        )
        if error:
            span.set_status(Status(StatusCode.ERROR, error))
        span.end(end_time=_ns(end))

    def _end(self, run_id: str, key: str, end: float, attributes: dict[str, Any]) -> None:
        opened = self._open.pop((run_id, key), None)
        if opened is None:
            return
        opened.span.set_attributes(attributes)
        opened.span.end(end_time=_ns(end))

    def _graph(self, event: BusEvent, kind: list[str]) -> None:
        data, ts, run_id = event.data, event.timestamp, event.run_id
        what = ".".join(kind)
        if what == "started":
            attrs: dict[str, Any] = {"locus.graph.name": str(data.get("graph"))}
            if data.get("thread_id"):
                attrs[CONVERSATION_ID] = str(data["thread_id"])
            self._start(event, "graph", str(data.get("graph")), attrs)
        elif what == "resumed":
            if (run_id, "graph") not in self._open:
                attrs = {"locus.resumed": True, "locus.graph.resumed_node": str(data.get("node"))}
                self._start(event, "graph", "graph", attrs)
        elif what in ("node.completed", "node.cached"):
            graph = self._open.get((run_id, "graph"))
            duration = float(data.get("duration_ms") or 0.0) / 1000.0
            attrs = {
                "locus.graph.node": str(data.get("node")),
                "locus.graph.step": data.get("step", 0),
            }
            if what == "node.cached":
                attrs["locus.graph.cached"] = True
            else:
                attrs["locus.graph.updates"] = [str(u) for u in data.get("updates") or ()]
            self._child(graph, f"node {data.get('node')}", ts - duration, ts, attrs)
        elif what == "node.retry":
            graph = self._open.get((run_id, "graph"))
            if graph is not None:
                graph.span.add_event(
                    "locus.graph.node.retry",
                    {
                        "locus.graph.node": str(data.get("node")),
                        "locus.retry.attempt": int(data.get("attempt") or 0),
                        "error.message": str(data.get("error")),
                    },
                    timestamp=_ns(ts),
                )
        elif what == "interrupted":
            self._end(
                run_id,
                "graph",
                ts,
                {"locus.interrupted": True, "locus.interrupt.node": str(data.get("node"))},
            )
        elif what == "completed":
            self._end(run_id, "graph", ts, {"locus.graph.steps": int(data.get("steps") or 0)})

    def _task_event(self, event: BusEvent, what: str) -> None:
        if what != "completed":
            return
        data, ts = event.data, event.timestamp
        duration = float(data.get("duration_ms") or 0.0) / 1000.0
        self._child(
            self._open.get((event.run_id, "graph")),
            f"task {data.get('task')}",
            ts - duration,
            ts,
            {
                "locus.task.name": str(data.get("task")),
                "locus.task.entrypoint": str(data.get("entrypoint")),
                "locus.task.cached": bool(data.get("cached")),
            },
        )

    def _specialist(self, event: BusEvent) -> None:
        data, ts = event.data, event.timestamp
        duration = float(data.get("duration_ms") or 0.0) / 1000.0
        self._child(
            self._open.get((event.run_id, "pattern:orchestrator")),
            f"specialist {data.get('specialist')}",
            ts - duration,
            ts,
            _scalars(data),
            error=data.get("error"),
        )

    def _pattern(self, event: BusEvent, pattern: str, what: str) -> None:
        data, ts, run_id = event.data, event.timestamp, event.run_id
        key = f"pattern:{pattern}"
        opened = self._open.get((run_id, key))
        name = next((str(data[k]) for k in _NAME_KEYS if data.get(k)), pattern)
        if what == "started":
            self._start(event, key, name, {"locus.pattern": pattern})
            return
        if opened is None:  # a pattern without a start event (loop): open at its first step
            opened = self._start(event, key, name, {"locus.pattern": pattern})
        if what == "completed":
            self._end(run_id, key, ts, _scalars(data))
            return
        step_start = opened.started if pattern == "parallel" else opened.mark
        label = data.get("agent") or data.get("specialist") or data.get("target_agent_id") or ""
        index = data.get("index", data.get("iteration", data.get("turn")))
        word = what.split(".")[0]  # "step", "branch", "iteration", "turn", "delegated"...
        step_name = " ".join(str(p) for p in (word, index, label) if p not in (None, ""))
        self._child(opened, step_name, step_start, ts, _scalars(data), error=data.get("error"))
        opened.mark = ts


def _scalars(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as span attributes: scalar values only, under ``locus.``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, bool | int | float | str):
            out[f"locus.{key}"] = value
    return out
