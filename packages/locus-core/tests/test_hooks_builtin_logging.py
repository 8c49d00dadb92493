"""LoggingHook / StructuredLoggingHook, tool tracebacks, HookPriority ordering, model events."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import pytest

from locus import Agent, tool
from locus.core.errors import ModelAuthError
from locus.core.messages import ToolCall
from locus.hooks import HookPriority, HookProvider, HookRegistry
from locus.hooks.builtin import LoggingHook, StructuredLoggingHook
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context


@tool
def broken(city: str) -> str:
    """Look a city up (has a bug)."""
    return undefined_name + city  # type: ignore[name-defined]  # noqa: F821


@tool
def weather(city: str) -> str:
    """Weather of a city."""
    return f"sunny in {city}"


def _script() -> ScriptedModel:
    return ScriptedModel([[ToolCall(name="broken", arguments={"city": "Oslo"})], "sorry"])


def test_tool_exception_traceback_is_kept_and_logged_at_debug(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.DEBUG, logger="locus.tools"):
        result = Agent(model=_script(), tools=[broken]).run_sync("weather?")
    execution = result.tool_executions[0]
    assert execution.error == "Tool 'broken' raised NameError: name 'undefined_name' is not defined"
    assert execution.traceback is not None
    assert "NameError" in execution.traceback
    assert "return undefined_name + city" in execution.traceback  # the failing line
    logged = [r for r in caplog.records if r.name == "locus.tools"]
    assert logged
    assert "return undefined_name + city" in logged[0].getMessage()
    # the model saw the error, never the traceback
    tool_message = result.state.messages[-2]
    assert "Traceback" not in (tool_message.content or "")


def test_logging_hook_logs_run_model_and_tool_records(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="locus.agent"):
        Agent(model=_script(), tools=[broken], hooks=[LoggingHook(log_arguments=True)]).run_sync(
            "weather?", thread_id="t-log"
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "locus.agent"]
    events = [line.split(" ", 1)[0] for line in lines]
    assert events == [
        "run.started",
        "model.started",
        "model.completed",
        "tool.started",
        "tool.failed",
        "model.started",
        "model.completed",
        "run.completed",
    ]
    failed = next(r for r in caplog.records if r.getMessage().startswith("tool.failed"))
    assert failed.levelno == logging.WARNING
    assert "thread_id=t-log" in failed.getMessage()
    assert "Traceback (most recent call last)" in failed.getMessage()
    assert 'arguments={"city":"Oslo"}' in lines[3]


def test_structured_logging_hook_writes_json_lines_with_ids(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hook = StructuredLoggingHook(extra={"service": "billing"})
    with caplog.at_level(logging.INFO, logger="locus.agent.structured"):
        result = Agent(model=_script(), tools=[broken], hooks=[hook]).run_sync(
            "weather?", thread_id="t-json"
        )
    records = [json.loads(r.getMessage()) for r in caplog.records if r.name.endswith("structured")]
    assert {r["run_id"] for r in records} == {result.run_id}
    assert {r["thread_id"] for r in records} == {"t-json"}
    assert all(r["service"] == "billing" and isinstance(r["ts"], float) for r in records)
    tool_failed = next(r for r in records if r["event"] == "tool.failed")
    assert tool_failed["level"] == "WARNING"
    assert tool_failed["span_id"] == result.tool_executions[0].tool_call_id
    assert "NameError" in tool_failed["traceback"]
    assert records[-1]["event"] == "run.completed"
    assert records[-1]["stop_reason"] == "NoToolCalls()"


def test_logging_hook_logs_a_failed_run_with_its_error(caplog: pytest.LogCaptureFixture) -> None:
    model = ScriptedModel([ModelAuthError("bad key")])
    with caplog.at_level(logging.INFO, logger="locus.agent"), pytest.raises(ModelAuthError):
        Agent(model=model, hooks=[LoggingHook()]).run_sync("hi")
    failed = [r for r in caplog.records if r.getMessage().startswith("run.failed")]
    assert failed
    assert failed[0].levelno == logging.ERROR
    assert re.fullmatch(
        r'run\.failed run_id=[0-9a-f]{32} thread_id=null error_kind=model_auth error="bad key"',
        failed[0].getMessage(),
    )
    assert failed[0].exc_info is not None


class _Named(HookProvider):
    def __init__(self, name: str, seen: list[str], priority: int | None = None) -> None:
        self.name = name
        self.seen = seen
        if priority is not None:
            self.priority = priority

    def before_tool_call(self, event: Any) -> None:
        self.seen.append(self.name)


def test_hooks_run_by_priority_then_registration_order() -> None:
    seen: list[str] = []
    hooks = [
        _Named("log", seen, HookPriority.LOW),
        _Named("plain-1", seen),
        _Named("guard", seen, HookPriority.HIGH),
        _Named("plain-2", seen),
        _Named("first", seen, HookPriority.HIGHEST),
    ]
    registry = HookRegistry(hooks)
    assert [h.name for h in registry.hooks] == ["first", "guard", "plain-1", "plain-2", "log"]
    model = ScriptedModel([[ToolCall(name="weather", arguments={"city": "Oslo"})], "ok"])
    Agent(model=model, tools=[weather], hooks=hooks).run_sync("go")
    assert seen == ["first", "guard", "plain-1", "plain-2", "log"]


async def test_model_started_and_error_events_are_published() -> None:
    model = ScriptedModel(["hello", ModelAuthError("expired key")])
    agent = Agent(model=model, tools=[weather])
    async with run_context() as rid:
        await agent.invoke("hi")
        with pytest.raises(ModelAuthError):
            await agent.invoke("again")
    events = [(e.event_type, e.data) for e in get_event_bus().history(rid)]
    started = [d for t, d in events if t == "agent.model.started"]
    assert len(started) == 2
    assert started[0] == {"model": "scripted", "messages": 1, "tools": 1}
    errors = [d for t, d in events if t == "agent.model.error"]
    assert errors == [{"model": "scripted", "error_kind": "model_auth", "message": "expired key"}]
    types = [t for t, _ in events]
    assert types.index("agent.model.started") < types.index("agent.model.completed")


def test_trace_ids_are_read_only_for_the_run_that_stored_them() -> None:
    from locus.observability import TRACE_CONTEXT_KEY, trace_ids

    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    metadata = {TRACE_CONTEXT_KEY: {"run_id": "r1", "traceparent": parent}}
    assert trace_ids(metadata, "r1") == {
        "trace_id": "0af7651916cd43dd8448eb211c80319c",
        "run_span_id": "b7ad6b7169203331",
    }
    assert trace_ids(metadata, "r2") == {}  # a previous run's trace is not this run's
    assert trace_ids({TRACE_CONTEXT_KEY: {"run_id": "r1", "traceparent": "junk"}}, "r1") == {}
