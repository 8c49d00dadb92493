"""AnthropicModel.stream over recorded SSE bodies, through the SDK's event stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import BaseModel

from locus.anthropic import THINKING_METADATA_KEY, AnthropicModel
from locus.core.errors import ModelError, ModelThrottledError
from locus.core.events import ModelChunkEvent
from locus.core.messages import Message, ToolResult
from locus.loop import collect_stream
from locus.models.failover import FailoverReason

WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def make_model(recorder: Any, fake_sleep: Any = None, **kwargs: Any) -> AnthropicModel:
    return AnthropicModel(
        "claude-sonnet-4-6",
        api_key="sk-ant-test",
        http_client=recorder.client(),
        sleep=fake_sleep,
        **kwargs,
    )


async def collect(model: AnthropicModel, *args: Any, **kwargs: Any) -> list[ModelChunkEvent]:
    return [chunk async for chunk in model.stream(*args, **kwargs)]


async def test_text_stream(recorder: Any) -> None:
    recorder.add("stream_text.sse")
    chunks = await collect(make_model(recorder), [Message.user("Capital of France?")])
    assert "".join(c.content or "" for c in chunks) == "Paris is the capital of France."
    final = chunks[-1]
    assert final.done
    assert sum(c.done for c in chunks) == 1
    assert final.stop_reason == "stop"
    assert final.usage == {
        "prompt_tokens": 25 + 1830,
        "completion_tokens": 12,
        "total_tokens": 1867,
        "cache_read_tokens": 1830,
    }
    assert recorder.body()["stream"] is True


async def test_parallel_tool_call_deltas(recorder: Any) -> None:
    recorder.add("stream_tool_use.sse")
    chunks = await collect(make_model(recorder), [Message.user("Weather?")], tools=[WEATHER_TOOL])
    assert "".join(c.content or "" for c in chunks) == "Checking both."
    calls: dict[int, dict[str, str]] = {}
    for chunk in chunks:
        delta = chunk.tool_call_delta
        if delta is None:
            continue
        entry = calls.setdefault(delta.index, {"id": "", "name": "", "args": ""})
        entry["id"] += delta.id or ""
        entry["name"] += delta.name or ""
        entry["args"] += delta.arguments_delta
    assert [(c["id"], c["name"], json.loads(c["args"])) for c in calls.values()] == [
        ("toolu_01A09q90qw90lq917835lq9", "get_weather", {"city": "Paris"}),
        ("toolu_01B19r91rx91mr928946mr0", "get_weather", {"city": "Tokyo"}),
    ]
    assert chunks[-1].stop_reason == "tool_calls"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage["cache_write_tokens"] == 1536


async def test_streamed_thinking_is_reasoning_and_its_signature_goes_back(
    recorder: Any,
) -> None:
    recorder.add("stream_thinking.sse").add("message_text.json")
    model = make_model(recorder, thinking=1024)
    chunks = await collect(model, [Message.user("Weather in Paris?")], tools=[WEATHER_TOOL])
    reasoning = "".join(c.reasoning or "" for c in chunks)
    assert reasoning == "The user wants the weather in Paris. I should call get_weather."
    assert chunks[-1].usage is not None
    assert chunks[-1].usage["reasoning_tokens"] == 88
    signed = {
        "type": "thinking",
        "thinking": "The user wants the weather in Paris. I should call get_weather.",
        "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
    }
    # the signed block travels in the done chunk's metadata, nowhere else
    assert chunks[-1].metadata == {THINKING_METADATA_KEY: [signed]}
    assert all(c.metadata is None for c in chunks[:-1])

    # the turn assembled from the chunks (as the agent does) carries it; a
    # fresh model instance (no in-process memory) sends it back
    async def replay() -> AsyncIterator[ModelChunkEvent]:
        for chunk in chunks:
            yield chunk

    turn = (await collect_stream(replay())).message
    turn = Message.model_validate_json(turn.model_dump_json())  # as a checkpoint stores it
    call_id = turn.tool_calls[0].id
    result = Message.tool(ToolResult(tool_call_id=call_id, name="get_weather", content="18C"))
    fresh = make_model(recorder, thinking=1024)
    await fresh.complete([Message.user("Weather in Paris?"), turn, result], tools=[WEATHER_TOOL])
    assistant = recorder.body(1)["messages"][1]["content"]
    assert assistant[0] == signed
    assert assistant[1]["type"] == "tool_use"


async def test_streamed_turn_without_thinking_has_no_metadata(recorder: Any) -> None:
    recorder.add("stream_tool_use.sse")
    chunks = await collect(make_model(recorder), [Message.user("Weather?")], tools=[WEATHER_TOOL])
    assert all(c.metadata is None for c in chunks)


class WeatherReport(BaseModel):
    city: str
    temperature_c: int
    sunny: bool


async def test_streamed_structured_output_is_content(recorder: Any) -> None:
    recorder.add("stream_structured.sse")
    chunks = await collect(
        make_model(recorder), [Message.user("Weather?")], response_format=WeatherReport
    )
    text = "".join(c.content or "" for c in chunks)
    assert WeatherReport.model_validate_json(text).temperature_c == 18
    assert all(c.tool_call_delta is None for c in chunks)
    assert chunks[-1].stop_reason == "stop"
    assert recorder.body()["tool_choice"] == {"type": "tool", "name": "WeatherReport"}


async def test_opening_the_stream_is_retried_on_429(
    recorder: Any, fake_sleep: Any, sleeps: list[float]
) -> None:
    recorder.add("error_429.json", status=429, headers={"retry-after": "3"})
    recorder.add("stream_text.sse")
    chunks = await collect(make_model(recorder, fake_sleep), [Message.user("hi")])
    assert chunks[-1].done
    assert sleeps == [3.0]


async def test_opening_the_stream_gives_up_after_bounded_attempts(
    recorder: Any, fake_sleep: Any
) -> None:
    for _ in range(2):
        recorder.add("error_429.json", status=429, headers={"retry-after": "1"})
    with pytest.raises(ModelThrottledError):
        await collect(make_model(recorder, fake_sleep, max_retries=1), [Message.user("hi")])


async def test_overloaded_error_event_mid_stream(recorder: Any, fake_sleep: Any) -> None:
    recorder.add("stream_overloaded.sse")
    seen: list[ModelChunkEvent] = []

    async def consume() -> None:
        async for chunk in make_model(recorder, fake_sleep).stream([Message.user("hi")]):
            seen.append(chunk)

    with pytest.raises(ModelError) as info:
        await consume()
    assert info.value.reason is FailoverReason.OVERLOADED
    assert [c.content for c in seen] == ["Par"]
    assert len(recorder.requests) == 1  # not retried once chunks were yielded
