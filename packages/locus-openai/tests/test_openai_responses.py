"""OpenAIResponsesModel against recorded Responses API bodies and SSE streams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from locus.core.errors import ModelAuthError, ModelError, ValidationError
from locus.core.events import ModelChunkEvent
from locus.core.messages import Message, ToolCall, ToolResult
from locus.loop import collect_stream
from locus.models import get_model
from locus.models.failover import FailoverReason
from locus.openai import REASONING_METADATA_KEY, OpenAIResponsesModel, ResponsesStreamAccumulator

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def make_model(recorder: Any, **kwargs: Any) -> OpenAIResponsesModel:
    return OpenAIResponsesModel("gpt-5", api_key="sk-test", http_client=recorder.client(), **kwargs)


async def test_text_with_reasoning_summary(recorder: Any) -> None:
    recorder.add("responses_text.json")
    response = await make_model(recorder, reasoning_effort="medium").complete(
        [Message.system("Be brief."), Message.user("Capital of France?")]
    )
    assert response.text == "The capital of France is Paris."
    assert response.message.reasoning is not None
    assert "capital of France" in response.message.reasoning
    assert response.stop_reason == "stop"
    assert response.usage == {
        "prompt_tokens": 36,
        "completion_tokens": 87,
        "total_tokens": 123,
        "reasoning_tokens": 64,
    }
    assert recorder.requests[0].url.path == "/v1/responses"
    assert recorder.body() == {
        "model": "gpt-5",
        "input": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Capital of France?"},
        ],
        "store": False,
        "reasoning": {"effort": "medium", "summary": "auto"},
        "include": ["reasoning.encrypted_content"],
    }


async def test_encrypted_reasoning_is_sent_back_next_turn(recorder: Any) -> None:
    recorder.add("responses_tool_calls.json")
    recorder.add("responses_text.json")
    model = make_model(recorder, reasoning_effort="low")
    first = await model.complete([Message.user("weather?")], tools=[WEATHER_TOOL])
    kept = first.message.metadata[REASONING_METADATA_KEY]
    assert kept == [
        {
            "type": "reasoning",
            "id": "rs_68af1c2d0001",
            "summary": [],
            "encrypted_content": "gAAAAABo-enc",
        }
    ]
    history = [
        Message.user("weather?"),
        first.message,
        Message.tool(
            ToolResult(
                tool_call_id="call_Paris0000000000000000001", name="get_weather", content="18C"
            )
        ),
        Message.tool(
            ToolResult(
                tool_call_id="call_Tokyo0000000000000000002", name="get_weather", content="25C"
            )
        ),
    ]
    await model.complete(history, tools=[WEATHER_TOOL])
    items = recorder.body()["input"]
    assert [i.get("type", i.get("role")) for i in items] == [
        "user",
        "reasoning",
        "function_call",
        "function_call",
        "function_call_output",
        "function_call_output",
    ]
    assert items[1]["encrypted_content"] == "gAAAAABo-enc"


async def test_parallel_tool_calls_and_request_items(recorder: Any) -> None:
    recorder.add("responses_tool_calls.json")
    history = [
        Message.user("Look at this", images=["https://example.com/cat.png"]),
        Message.assistant(
            "Calling.",
            tool_calls=[ToolCall(id="call_0", name="get_weather", arguments={"city": "Oslo"})],
        ),
        Message.tool(ToolResult(tool_call_id="call_0", name="get_weather", content="-3C")),
    ]
    response = await make_model(recorder).complete(
        history,
        tools=[WEATHER_TOOL],
        tool_choice={"type": "function", "function": {"name": "get_weather"}},
        max_tokens=500,
    )
    assert response.stop_reason == "tool_calls"
    assert [(c.id, c.arguments) for c in response.message.tool_calls] == [
        ("call_Paris0000000000000000001", {"city": "Paris"}),
        ("call_Tokyo0000000000000000002", {"city": "Tokyo"}),
    ]
    assert response.usage["cache_read_tokens"] == 96
    body = recorder.body()
    assert body["input"] == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Look at this"},
                {
                    "type": "input_image",
                    "image_url": "https://example.com/cat.png",
                    "detail": "auto",
                },
            ],
        },
        {"role": "assistant", "content": "Calling."},
        {
            "type": "function_call",
            "call_id": "call_0",
            "name": "get_weather",
            "arguments": '{"city": "Oslo"}',
        },
        {"type": "function_call_output", "call_id": "call_0", "output": "-3C"},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Current weather for a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
            "strict": False,
        }
    ]
    assert body["tool_choice"] == {"type": "function", "name": "get_weather"}
    assert body["max_output_tokens"] == 500


async def test_structured_output_maps_to_text_format(recorder: Any) -> None:
    recorder.add("responses_incomplete.json")
    schema = {"type": "object", "properties": {"city": {"type": "string"}}}
    response = await make_model(recorder).complete(
        [Message.user("city?")],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "City", "schema": schema, "strict": True},
        },
    )
    assert recorder.body()["text"] == {
        "format": {"type": "json_schema", "name": "City", "schema": schema, "strict": True}
    }
    assert response.stop_reason == "length"


async def test_stream_reasoning_text_and_tool_calls(recorder: Any) -> None:
    recorder.add("responses_stream.sse")
    chunks = [
        c
        async for c in make_model(recorder).stream([Message.user("weather")], tools=[WEATHER_TOOL])
    ]
    assert "".join(c.reasoning or "" for c in chunks) == "Thinking about weather."
    assert "".join(c.content or "" for c in chunks) == "Checking both."
    args: dict[int, str] = {}
    ids: dict[int, str] = {}
    for c in chunks:
        if c.tool_call_delta:
            args[c.tool_call_delta.index] = (
                args.get(c.tool_call_delta.index, "") + c.tool_call_delta.arguments_delta
            )
            if c.tool_call_delta.id:
                ids[c.tool_call_delta.index] = c.tool_call_delta.id
    assert args == {0: '{"city":"Paris"}', 1: '{"city":"Tokyo"}'}
    assert ids == {0: "call_Paris0000000000000000001", 1: "call_Tokyo0000000000000000002"}
    final = chunks[-1]
    assert final.done
    assert final.stop_reason == "tool_calls"
    assert final.usage == {
        "prompt_tokens": 40,
        "completion_tokens": 30,
        "total_tokens": 70,
        "reasoning_tokens": 12,
    }
    assert recorder.body()["stream"] is True


STREAM_KEPT = {
    "type": "reasoning",
    "id": "rs_stream2",
    "summary": [{"type": "summary_text", "text": "Need the weather tool."}],
    "encrypted_content": "gAAAAABo-stream-enc",
}


async def test_streamed_reasoning_items_are_sent_back_next_turn(recorder: Any) -> None:
    recorder.add("responses_stream_reasoning.sse").add("responses_text.json")
    model = make_model(recorder, reasoning_effort="low")
    chunks = [c async for c in model.stream([Message.user("weather?")], tools=[WEATHER_TOOL])]
    assert chunks[-1].done
    assert chunks[-1].metadata == {REASONING_METADATA_KEY: [STREAM_KEPT]}
    assert all(c.metadata is None for c in chunks[:-1])

    async def replay() -> AsyncIterator[ModelChunkEvent]:
        for chunk in chunks:
            yield chunk

    turn = (await collect_stream(replay())).message  # what the agent assembles
    turn = Message.model_validate_json(turn.model_dump_json())  # as a checkpoint stores it
    result = ToolResult(
        tool_call_id="call_StreamParis000000000001", name="get_weather", content="18C"
    )
    fresh = make_model(recorder, reasoning_effort="low")
    await fresh.complete(
        [Message.user("weather?"), turn, Message.tool(result)], tools=[WEATHER_TOOL]
    )
    items = recorder.body(1)["input"]
    assert [i.get("type", i.get("role")) for i in items] == [
        "user",
        "reasoning",
        "function_call",
        "function_call_output",
    ]
    assert items[1]["encrypted_content"] == "gAAAAABo-stream-enc"
    assert items[1]["id"] == "rs_stream2"


def test_stream_reasoning_items_fall_back_to_the_completed_response() -> None:
    accumulator = ResponsesStreamAccumulator()
    item = {**STREAM_KEPT, "status": "completed"}
    completed = {"status": "completed", "output": [item, {"type": "message", "content": []}]}
    accumulator.feed({"type": "response.completed", "response": completed})
    assert accumulator.final().metadata == {REASONING_METADATA_KEY: [STREAM_KEPT]}
    assert ResponsesStreamAccumulator().final().metadata is None


async def test_stream_failed_event_raises(recorder: Any) -> None:
    recorder.add("responses_stream_failed.sse")

    async def consume() -> None:
        async for _ in make_model(recorder).stream([Message.user("hi")]):
            pass

    with pytest.raises(ModelError) as info:
        await consume()
    assert info.value.reason is FailoverReason.SERVER_ERROR


async def test_errors_and_retry_after(recorder: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    recorder.add("error_429.json", status=429, headers={"retry-after": "3"})
    recorder.add("responses_text.json")
    response = await make_model(recorder, sleep=fake_sleep).complete([Message.user("hi")])
    assert response.text
    assert sleeps == [3.0]
    recorder.add("error_401.json", status=401)
    with pytest.raises(ModelAuthError):
        await make_model(recorder, sleep=fake_sleep).complete([Message.user("hi")])


def test_unsupported_option(recorder: Any) -> None:
    with pytest.raises(ValidationError, match="Responses API"):
        make_model(recorder).build_request([Message.user("hi")], None, {"seed": 1})


def test_model_strings_select_the_responses_api() -> None:
    assert isinstance(get_model("openai:responses/gpt-5", api_key="k"), OpenAIResponsesModel)
    model = get_model("openai:gpt-5", api_key="k", api="responses")
    assert isinstance(model, OpenAIResponsesModel)
    assert model.model == "gpt-5"
