"""Spans and metrics reach a real OTLP/HTTP receiver (a local server started by the test)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from locus import Agent, tool
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.otel import TelemetryHook


class Receiver(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[tuple[str, str, bytes]] = []


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append((self.path, self.headers["Content-Type"], body))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        return


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@tool
def get_metric(name: str) -> float:
    """Current value of a metric."""
    return 182.0


def test_otlp_http_export_of_a_run(receiver: Receiver) -> None:
    base = f"http://127.0.0.1:{receiver.server_address[1]}"
    resource = Resource.create({"service.name": "sre-agent"})
    tracer_provider = TracerProvider(resource=resource)
    tracer_provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{base}/v1/traces", timeout=10))
    )
    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=f"{base}/v1/metrics", timeout=10),
        export_interval_millis=3_600_000,  # exported by the explicit flush below only
    )
    meter_provider = MeterProvider(resource=resource, metric_readers=[reader])
    model = ScriptedModel(
        [[ToolCall(id="c-1", name="get_metric", arguments={"name": "p99"})], "p99 is 182 ms."]
    )
    hook = TelemetryHook(tracer_provider=tracer_provider, meter_provider=meter_provider)
    Agent(model=model, tools=[get_metric], hooks=[hook], name="sre").run_sync("p99?")
    assert tracer_provider.force_flush(10_000)
    assert meter_provider.force_flush(10_000)
    tracer_provider.shutdown()
    meter_provider.shutdown()

    traces = [r for r in receiver.requests if r[0] == "/v1/traces"]
    assert traces
    assert all(content_type == "application/x-protobuf" for _, content_type, _ in traces)
    spans = []
    for _, _, body in traces:
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource_spans.resource.attributes}[
                "service.name"
            ]
            assert service == "sre-agent"
            for scope_spans in resource_spans.scope_spans:
                assert scope_spans.scope.name == "locus.otel"
                spans.extend(scope_spans.spans)
    assert sorted(s.name for s in spans) == [
        "chat scripted",
        "chat scripted",
        "execute_tool get_metric",
        "invoke_agent sre",
    ]
    tool_span = next(s for s in spans if s.name == "execute_tool get_metric")
    attributes = {a.key: a.value.string_value for a in tool_span.attributes}
    assert attributes["gen_ai.tool.name"] == "get_metric"
    assert attributes["gen_ai.tool.call.id"] == "c-1"
    root = next(s for s in spans if s.name == "invoke_agent sre")
    assert {s.trace_id for s in spans} == {root.trace_id}

    metrics = [r for r in receiver.requests if r[0] == "/v1/metrics"]
    names = {
        metric.name
        for _, _, body in metrics
        for rm in ExportMetricsServiceRequest.FromString(body).resource_metrics
        for sm in rm.scope_metrics
        for metric in sm.metrics
    }
    assert {
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.duration",
        "gen_ai.execute_tool.duration",
    } <= names
