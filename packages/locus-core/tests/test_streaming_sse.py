"""SSE encoding of events and the SSE / buffering / filtering stream handlers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from locus import Agent, tool
from locus.core.errors import ModelAuthError, ValidationError
from locus.core.events import LocusEvent, ToolStartEvent
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.models.sse import iter_sse_json
from locus.observability import get_event_bus, run_context
from locus.streaming import (
    AsyncSSEHandler,
    BufferingHandler,
    CompositeHandler,
    FilteringHandler,
    SSEHandler,
    SSEMessage,
    create_sse_response_headers,
    encode_sse,
    stream_to,
)


@tool
def weather(city: str) -> str:
    """Weather of a city."""
    return f"sunny\nin {city}"


def _agent(*script: object) -> Agent:
    model = ScriptedModel(
        list(script) or [[ToolCall(name="weather", arguments={"city": "Oslo"})], "It is sunny."]
    )
    return Agent(model=model, tools=[weather])


async def _lines(text: str) -> AsyncIterator[str]:
    for line in text.split("\n"):
        yield line


def test_encode_sse_of_a_typed_event_is_one_parseable_frame() -> None:
    event = ToolStartEvent(
        tool_name="weather", tool_call_id="c1", arguments={"city": "Oslo\n"}, span_id="s"
    )
    frame = encode_sse(event, id=3)
    assert frame.endswith("\n\n")
    lines = frame.rstrip("\n").split("\n")
    assert lines[0] == "id: 3"
    assert lines[1] == "event: agent.tool.started"
    assert len(lines) == 3
    assert lines[2].startswith("data: {")
    payload = json.loads(lines[2][6:])
    assert payload["event_type"] == "agent.tool.started"
    assert payload["data"]["arguments"] == {"city": "Oslo\n"}
    assert payload["timestamp"] == event.timestamp


async def test_encode_sse_of_bus_events_uses_seq_as_id_and_round_trips() -> None:
    async with run_context() as rid:
        await _agent().invoke("weather?")
    history = get_event_bus().history(rid)
    body = "".join(encode_sse(e) for e in history)
    decoded = [p async for p in iter_sse_json(_lines(body), provider="test")]
    assert [p["event_type"] for p in decoded] == [e.event_type for e in history]
    assert [p["seq"] for p in decoded] == [e.seq for e in history]
    assert {p["run_id"] for p in decoded} == {rid}
    assert body.split("\n", 1)[0] == "id: 1"


def test_sse_message_splits_multiline_data() -> None:
    frame = SSEMessage(event="note", data="a\nb", id="x\ny", retry=1500).format()
    assert frame == "id: x y\nevent: note\nretry: 1500\ndata: a\ndata: b\n\n"


def test_sse_headers_disable_caching_and_buffering() -> None:
    headers = create_sse_response_headers()
    assert headers["Content-Type"].startswith("text/event-stream")
    assert headers["Cache-Control"] == "no-cache"
    assert headers["X-Accel-Buffering"] == "no"


async def test_sse_handler_frames_a_run_and_ends_with_done() -> None:
    sse = SSEHandler(id_prefix="r1-")
    last = await stream_to(_agent().run("weather?"), sse)
    assert isinstance(last, LocusEvent)
    assert last.event_type == "agent.terminate"
    frames = sse.get_messages()
    assert frames[0].startswith("id: r1-1\nevent: agent.started\n")
    assert frames[-1] == "event: done\ndata: {}\n\n"
    assert sse.is_complete()
    assert not sse.has_error()
    assert sse.format_all() == "".join(frames)
    assert sse.pop_messages() == frames
    assert sse.get_messages() == []


async def test_sse_handler_reports_a_failed_run_as_an_error_frame() -> None:
    sse = SSEHandler()
    with pytest.raises(ModelAuthError):
        await sse.consume(_agent(ModelAuthError("expired key")).run("hi"))
    assert sse.has_error()
    assert not sse.is_complete()
    last = sse.get_messages()[-1]
    assert last.startswith("event: error\ndata: ")
    assert json.loads(last.split("data: ", 1)[1]) == {
        "error_kind": "model_auth",
        "message": "expired key",
    }


async def test_async_sse_handler_serves_frames_while_the_run_goes_on() -> None:
    handler = AsyncSSEHandler(include_id=False)
    producer = asyncio.ensure_future(handler.consume(_agent().run("weather?")))
    decoded = [m async for m in handler.stream_messages()]
    await producer
    assert decoded[0]["event_type"] == "agent.started"
    assert decoded[-2]["event_type"] == "agent.terminate"
    assert decoded[-1] == {}  # the done frame
    assert handler.is_complete()


async def test_buffering_composite_and_filtering_handlers() -> None:
    everything = BufferingHandler()
    tools_only = BufferingHandler()
    no_chunks = BufferingHandler(max_size=2)
    composite = CompositeHandler(
        [
            everything,
            FilteringHandler(tools_only, event_types={"agent.tool.*"}),
            FilteringHandler(no_chunks, exclude_types={"agent.tool.*"}, filter_fn=lambda e: True),
        ]
    )
    await composite.consume(_agent().run("weather?"))
    assert everything.is_complete()
    assert everything.get_errors() == []
    assert [e.event_type for e in tools_only.get_events()] == [
        "agent.tool.started",
        "agent.tool.completed",
    ]
    assert [e.event_type for e in no_chunks.get_events()] == [
        "agent.tokens.used",
        "agent.terminate",
    ]
    assert len(everything.get_events("agent.think")) == 2
    everything.clear()
    assert everything.get_events() == []
    assert not everything.is_complete()


def test_handlers_reject_what_is_not_an_event() -> None:
    with pytest.raises(ValidationError, match=r"LocusEvent or locus\.observability\.BusEvent"):
        encode_sse({"event_type": "x"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="max_size"):
        BufferingHandler(max_size=0)
