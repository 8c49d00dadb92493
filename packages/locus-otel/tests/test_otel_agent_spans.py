"""TelemetryHook: span tree, GenAI attributes and metrics of agent runs, model and tool calls."""

from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from locus import Agent, tool
from locus.core.errors import ModelAuthError
from locus.core.messages import Message, ToolCall
from locus.hooks import HookRegistry
from locus.models import ModelResponse, ScriptedModel
from locus.otel import NoOpTelemetryHook, TelemetryHook, create_telemetry_hook

Telemetry = Any  # the conftest fixture's object


@tool
def get_metric(name: str) -> float:
    """Current value of a metric."""
    return 182.0


@tool
def broken(city: str) -> str:
    """Has a bug."""
    return missing_name + city  # type: ignore[name-defined]  # noqa: F821


def _hook(t: Telemetry, **kwargs: object) -> TelemetryHook:
    return TelemetryHook(
        tracer_provider=t.tracer_provider, meter_provider=t.meter_provider, **kwargs
    )  # type: ignore[arg-type]


def _script(tool_name: str = "get_metric", args: dict[str, str] | None = None) -> ScriptedModel:
    first = ModelResponse(
        message=Message.assistant(
            tool_calls=[ToolCall(id="call-1", name=tool_name, arguments=args or {"name": "p99"})]
        ),
        usage={"prompt_tokens": 30, "completion_tokens": 7, "total_tokens": 37},
        stop_reason="tool_calls",
        model="scripted-1",
        raw={"id": "resp-1"},
    )
    second = ModelResponse(
        message=Message.assistant("p99 is 182 ms."),
        usage={"prompt_tokens": 50, "completion_tokens": 9, "total_tokens": 59},
        stop_reason="stop",
    )
    return ScriptedModel([first, second])


async def test_a_run_is_one_trace_of_agent_chat_and_tool_spans(telemetry: Telemetry) -> None:
    agent = Agent(
        model=_script(),
        tools=[get_metric],
        hooks=[_hook(telemetry, record_arguments=True, record_results=True)],
        name="sre",
    )
    result = await agent.invoke("What is p99?", thread_id="ops-1")
    spans = telemetry.spans()
    assert sorted(s.name for s in spans) == [
        "chat scripted",
        "chat scripted",
        "execute_tool get_metric",
        "invoke_agent sre",
    ]
    root = telemetry.span("invoke_agent sre")
    assert root.parent is None
    assert {s.context.trace_id for s in spans} == {root.context.trace_id}
    assert all(s.parent.span_id == root.context.span_id for s in spans if s is not root)
    attrs = root.attributes
    assert attrs["gen_ai.operation.name"] == "invoke_agent"
    assert attrs["gen_ai.agent.name"] == "sre"
    assert attrs["gen_ai.conversation.id"] == "ops-1"
    assert attrs["gen_ai.provider.name"] == "locus.offline"
    assert attrs["locus.run_id"] == result.run_id
    assert attrs["locus.stop_reason"] == "NoToolCalls()"
    assert attrs["locus.total_tokens"] == 96

    chats = sorted((s for s in spans if s.name.startswith("chat")), key=lambda s: s.start_time or 0)
    first = chats[0]
    assert first.kind is SpanKind.CLIENT
    assert first.attributes["gen_ai.operation.name"] == "chat"
    assert first.attributes["gen_ai.request.model"] == "scripted"
    assert first.attributes["gen_ai.response.model"] == "scripted-1"
    assert first.attributes["gen_ai.response.id"] == "resp-1"
    assert first.attributes["gen_ai.response.finish_reasons"] == ("tool_calls",)
    assert first.attributes["gen_ai.usage.input_tokens"] == 30
    assert first.attributes["gen_ai.usage.output_tokens"] == 7
    assert chats[1].attributes["gen_ai.response.finish_reasons"] == ("stop",)

    tool_span = telemetry.span("execute_tool get_metric")
    assert tool_span.attributes["gen_ai.tool.name"] == "get_metric"
    assert tool_span.attributes["gen_ai.tool.call.id"] == "call-1"
    assert tool_span.attributes["gen_ai.tool.type"] == "function"
    assert tool_span.attributes["gen_ai.tool.call.arguments"] == '{"name":"p99"}'
    assert tool_span.attributes["gen_ai.tool.call.result"] == "182.0"
    assert first.end_time <= tool_span.start_time <= tool_span.end_time <= chats[1].start_time


async def test_metrics_token_usage_durations_and_tool_errors(telemetry: Telemetry) -> None:
    agent = Agent(
        model=_script("broken", {"city": "Oslo"}), tools=[broken], hooks=[_hook(telemetry)]
    )
    await agent.invoke("weather?")
    points = telemetry.points("gen_ai.client.token.usage")
    # the first response names its model (scripted-1), the second does not: two series each
    assert sorted(
        (p.attributes["gen_ai.token.type"], p.attributes.get("gen_ai.response.model", ""), p.sum)
        for p in points
    ) == [
        ("input", "", 50),
        ("input", "scripted-1", 30),
        ("output", "", 9),
        ("output", "scripted-1", 7),
    ]
    assert {p.attributes["gen_ai.provider.name"] for p in points} == {"locus.offline"}
    durations = {
        p.attributes["gen_ai.operation.name"]: p.count
        for p in telemetry.points("gen_ai.client.operation.duration")
    }
    assert durations == {"chat": 2, "invoke_agent": 1}
    (errors,) = telemetry.points("locus.tool.errors")
    assert errors.value == 1
    assert errors.attributes == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "broken",
        "error.type": "NameError",
    }
    (tool_durations,) = telemetry.points("gen_ai.execute_tool.duration")
    assert tool_durations.count == 1


async def test_a_failing_tool_span_has_the_error_and_its_traceback(telemetry: Telemetry) -> None:
    agent = Agent(
        model=_script("broken", {"city": "Oslo"}), tools=[broken], hooks=[_hook(telemetry)]
    )
    await agent.invoke("weather?")
    span = telemetry.span("execute_tool broken")
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "NameError"
    (exception,) = span.events
    assert exception.name == "exception"
    assert "return missing_name + city" in exception.attributes["exception.stacktrace"]


async def test_a_failing_model_call_marks_chat_and_run_spans(telemetry: Telemetry) -> None:
    agent = Agent(model=ScriptedModel([ModelAuthError("expired key")]), hooks=[_hook(telemetry)])
    with pytest.raises(ModelAuthError):
        await agent.invoke("hi")
    chat = telemetry.span("chat scripted")
    assert chat.status.status_code is StatusCode.ERROR
    assert chat.attributes["error.type"] == "model_auth"
    run = telemetry.span("invoke_agent")
    assert run.status.status_code is StatusCode.ERROR
    assert run.attributes["error.type"] == "model_auth"
    (failed,) = [
        p
        for p in telemetry.points("gen_ai.client.operation.duration")
        if p.attributes["gen_ai.operation.name"] == "chat"
    ]
    assert failed.attributes["error.type"] == "model_auth"


async def test_an_agent_used_as_a_tool_nests_under_the_tool_span(telemetry: Telemetry) -> None:
    inner = Agent(model=ScriptedModel(["182 ms"]), name="metrics", hooks=[_hook(telemetry)])
    outer = Agent(
        model=ScriptedModel(
            [[ToolCall(id="d-1", name="metrics", arguments={"prompt": "p99?"})], "p99 is 182 ms"]
        ),
        tools=[inner],
        name="lead",
        hooks=[_hook(telemetry)],
    )
    await outer.invoke("p99?")
    tool_span = telemetry.span("execute_tool metrics")
    inner_run = telemetry.span("invoke_agent metrics")
    assert inner_run.parent is not None
    assert inner_run.parent.span_id == tool_span.context.span_id
    assert inner_run.context.trace_id == telemetry.span("invoke_agent lead").context.trace_id


def test_disabled_telemetry_is_a_hook_with_no_points(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    hook = create_telemetry_hook()
    assert isinstance(hook, NoOpTelemetryHook)
    registry = HookRegistry([hook])
    assert not any(
        registry.has(p) for p in ("before_invocation", "around_model_call", "after_tool_call")
    )
    monkeypatch.setenv("OTEL_SDK_DISABLED", "false")
    assert isinstance(create_telemetry_hook(), TelemetryHook)
    assert isinstance(create_telemetry_hook(enabled=False), NoOpTelemetryHook)


async def test_structured_log_lines_carry_the_trace_ids(
    telemetry: Telemetry, caplog: pytest.LogCaptureFixture
) -> None:
    import json
    import logging

    from locus.hooks.builtin import StructuredLoggingHook

    agent = Agent(
        model=_script(), tools=[get_metric], hooks=[StructuredLoggingHook(), _hook(telemetry)]
    )
    with caplog.at_level(logging.INFO, logger="locus.agent.structured"):
        await agent.invoke("p99?")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith("structured")]
    run = telemetry.span("invoke_agent")
    tool_span = telemetry.span("execute_tool get_metric")
    assert {line["trace_id"] for line in lines} == {f"{run.context.trace_id:032x}"}
    assert {line["run_span_id"] for line in lines} == {f"{run.context.span_id:016x}"}
    started = next(line for line in lines if line["event"] == "tool.started")
    assert started["otel_span_id"] == f"{tool_span.context.span_id:016x}"


async def test_runs_abandoned_by_their_consumer_are_ended_when_the_cap_is_reached(
    telemetry: Telemetry,
) -> None:
    hook = TelemetryHook(tracer_provider=telemetry.tracer_provider, max_open_runs=2)
    for name in ("a", "b", "c"):
        agent = Agent(model=ScriptedModel(["hi"]), hooks=[hook], name=name)
        async for event in agent.run("hello"):
            if event.event_type == "agent.model.completed":
                break  # the consumer walks away: after_invocation never runs
    (abandoned,) = [s for s in telemetry.spans() if s.name.startswith("invoke_agent")]
    assert abandoned.name == "invoke_agent a"
    assert abandoned.attributes["locus.abandoned"] is True
    assert len(hook._runs) == 2
