"""AnthropicModel.complete against recorded Messages API responses, through the SDK's HTTP layer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from pydantic import BaseModel

from locus.anthropic import THINKING_METADATA_KEY, AnthropicModel
from locus.core.errors import ValidationError
from locus.core.messages import Message, ToolCall, ToolResult

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
WEATHER_SCHEMA = WEATHER_TOOL["function"]["parameters"]  # type: ignore[index]
EPHEMERAL = {"type": "ephemeral"}
FIXTURES = Path(__file__).parent / "fixtures"


def make_model(recorder: Any, **kwargs: Any) -> AnthropicModel:
    return AnthropicModel(
        "claude-sonnet-4-6", api_key="sk-ant-test", http_client=recorder.client(), **kwargs
    )


async def test_text_completion_and_usage(recorder: Any) -> None:
    recorder.add("message_text.json")
    response = await make_model(recorder).complete([Message.user("Capital of France?")])
    assert response.text == "Paris is the capital of France."
    assert response.stop_reason == "stop"
    assert response.model == "claude-sonnet-4-5-20250929"
    assert response.raw == {"id": "msg_01XFDUDYJgAACzvnptvVoYEL"}
    # prompt_tokens counts uncached + cached input, like other providers
    assert response.usage == {
        "prompt_tokens": 21 + 1830,
        "completion_tokens": 10,
        "total_tokens": 1861,
        "cache_read_tokens": 1830,
    }
    assert response.token_usage.cache_read_tokens == 1830
    request = recorder.requests[0]
    assert request.url.path == "/v1/messages"
    assert "sk-ant-test" in (
        request.headers.get("x-api-key", ""),
        request.headers.get("authorization", "").removeprefix("Bearer "),
    )
    assert "anthropic-version" in request.headers
    assert request.headers.get("x-stainless-retry-count") == "0"
    assert recorder.body() == {
        "model": "claude-sonnet-4-6",
        "max_tokens": 8192,
        "messages": [{"role": "user", "content": [{"type": "text", "text": "Capital of France?"}]}],
    }


async def test_parallel_tool_calls_and_cache_write_usage(recorder: Any) -> None:
    recorder.add("message_tool_use.json")
    response = await make_model(recorder).complete(
        [Message.system("Be brief."), Message.user("Weather in Paris and Tokyo?")],
        tools=[WEATHER_TOOL],
    )
    assert response.stop_reason == "tool_calls"
    assert response.text == "I'll check the weather in both cities."
    assert [(c.id, c.name, c.arguments) for c in response.message.tool_calls] == [
        ("toolu_01A09q90qw90lq917835lq9", "get_weather", {"city": "Paris"}),
        ("toolu_01B19r91rx91mr928946mr0", "get_weather", {"city": "Tokyo"}),
    ]
    assert response.usage["cache_write_tokens"] == 1536
    assert response.usage["prompt_tokens"] == 412 + 1536
    body = recorder.body()
    assert body["system"] == [{"type": "text", "text": "Be brief.", "cache_control": EPHEMERAL}]
    assert body["tools"] == [
        {
            "name": "get_weather",
            "description": "Current weather for a city.",
            "input_schema": WEATHER_SCHEMA,
            "cache_control": EPHEMERAL,
        }
    ]
    assert "tool_choice" not in body


async def test_request_body_for_a_full_conversation(recorder: Any) -> None:
    recorder.add("message_text.json")
    paris = ToolCall(id="toolu_1", name="get_weather", arguments={"city": "Paris"})
    tokyo = ToolCall(id="toolu_2", name="get_weather", arguments={"city": "Tokyo"})
    failed = Message.tool(ToolResult(tool_call_id="toolu_2", name="get_weather", content="boom"))
    failed.metadata["is_error"] = True
    messages = [
        Message.system("You are terse."),
        Message.user(
            "What is in these pictures?",
            images=["data:image/png;base64,iVBORw0KGgo=", "https://example.com/cat.jpg"],
        ),
        Message.assistant("Let me look up the weather.", tool_calls=[paris, tokyo]),
        Message.tool(ToolResult(tool_call_id="toolu_1", name="get_weather", content="18C sunny")),
        failed,
        Message.system("Answer in English."),
        Message.user("And now?"),
    ]
    lookup = {"name": "lookup", "description": "Look up.", "parameters": {"type": "object"}}
    await make_model(recorder, temperature=0.2, max_tokens=256).complete(
        messages, tools=[WEATHER_TOOL, lookup], tool_choice="auto", top_k=5
    )
    body = recorder.body()
    assert body["max_tokens"] == 256
    assert body["temperature"] == 0.2
    assert body["top_k"] == 5
    assert body["tool_choice"] == {"type": "auto"}
    assert body["system"] == [
        {"type": "text", "text": "You are terse."},
        {"type": "text", "text": "Answer in English.", "cache_control": EPHEMERAL},
    ]
    assert [t["name"] for t in body["tools"]] == ["get_weather", "lookup"]
    assert "cache_control" not in body["tools"][0]
    assert body["tools"][1]["cache_control"] == EPHEMERAL
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in these pictures?"},
                {
                    "type": "image",
                    "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
                },
                {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
            ],
        },
        {
            "role": "assistant",
            "content": [
                {"type": "text", "text": "Let me look up the weather."},
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                },
                {
                    "type": "tool_use",
                    "id": "toolu_2",
                    "name": "get_weather",
                    "input": {"city": "Tokyo"},
                },
            ],
        },
        {
            # both results of the parallel calls and the next user text share one user turn
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "toolu_1", "content": "18C sunny"},
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "content": "boom",
                    "is_error": True,
                },
                {"type": "text", "text": "And now?"},
            ],
        },
    ]


async def test_prompt_caching_can_be_turned_off(recorder: Any) -> None:
    recorder.add("message_text.json")
    model = make_model(recorder, prompt_caching=False)
    await model.complete([Message.system("sys"), Message.user("hi")], tools=[WEATHER_TOOL])
    body = recorder.body()
    assert body["system"] == [{"type": "text", "text": "sys"}]
    assert "cache_control" not in json.dumps(body)


async def test_thinking_blocks_round_trip_on_the_next_turn(recorder: Any) -> None:
    recorder.add("message_thinking_tool_use.json").add("message_text.json")
    model = make_model(recorder, thinking=2048)
    history = [Message.user("Weather in Paris?")]
    first = await model.complete(history, tools=[WEATHER_TOOL])
    message = first.message
    assert message.reasoning == "The user wants the weather in Paris. I should call get_weather."
    assert first.usage["reasoning_tokens"] == 88
    assert message.metadata[THINKING_METADATA_KEY] == [
        {
            "type": "thinking",
            "thinking": "The user wants the weather in Paris. I should call get_weather.",
            "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds",
        },
        {
            "type": "redacted_thinking",
            "data": "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP",
        },
    ]
    sent = recorder.body(0)
    assert sent["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert sent["max_tokens"] > 2048  # raised above the budget because none was given
    # the message survives a checkpoint (JSON round-trip) and goes back signed
    restored = Message.model_validate_json(message.model_dump_json())
    call = restored.tool_calls[0]
    history += [
        restored,
        Message.tool(ToolResult(tool_call_id=call.id, name=call.name, content="18C")),
    ]
    await model.complete(history, tools=[WEATHER_TOOL])
    assistant = recorder.body(1)["messages"][1]
    assert assistant["role"] == "assistant"
    assert [b["type"] for b in assistant["content"]] == [
        "thinking",
        "redacted_thinking",
        "tool_use",
    ]
    assert assistant["content"][0]["signature"].startswith("EqQB")


async def test_thinking_budget_must_fit_an_explicit_max_tokens(recorder: Any) -> None:
    model = make_model(recorder, thinking=4096, max_tokens=1024)
    with pytest.raises(ValidationError, match="thinking budget"):
        await model.complete([Message.user("hi")])
    assert recorder.requests == []


class WeatherReport(BaseModel):
    city: str
    temperature_c: int
    sunny: bool


async def test_structured_output_by_tool_forcing(recorder: Any) -> None:
    recorder.add("message_structured.json")
    schema = WeatherReport.model_json_schema()
    response = await make_model(recorder).complete(
        [Message.user("Weather in Paris as JSON")],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "WeatherReport", "schema": schema},
        },
    )
    assert json.loads(response.text) == {"city": "Paris", "temperature_c": 18, "sunny": True}
    assert WeatherReport.model_validate_json(response.text).sunny is True
    assert response.message.tool_calls == []
    assert response.stop_reason == "stop"
    body = recorder.body()
    assert body["tool_choice"] == {"type": "tool", "name": "WeatherReport"}
    assert body["tools"][-1]["name"] == "WeatherReport"
    assert body["tools"][-1]["input_schema"] == schema


async def test_structured_output_with_real_tools_lets_the_model_call_them(recorder: Any) -> None:
    recorder.add("message_tool_use.json")
    response = await make_model(recorder).complete(
        [Message.user("Weather in Paris?")], tools=[WEATHER_TOOL], response_format=WeatherReport
    )
    assert [c.name for c in response.message.tool_calls] == ["get_weather", "get_weather"]
    body = recorder.body()
    assert body["tool_choice"] == {"type": "any"}
    assert [t["name"] for t in body["tools"]] == ["get_weather", "WeatherReport"]


async def test_structured_output_with_thinking_does_not_force_a_tool(recorder: Any) -> None:
    recorder.add("message_structured.json")
    response = await make_model(recorder, thinking=1024).complete(
        [Message.user("Weather?")], response_format=WeatherReport
    )
    assert json.loads(response.text)["city"] == "Paris"
    body = recorder.body()
    assert body["tool_choice"] == {"type": "auto"}
    assert "WeatherReport tool" in body["system"][-1]["text"]


async def test_structured_output_native_mode(recorder: Any) -> None:
    recorder.add("message_text.json")
    model = make_model(recorder, structured_output="native")
    await model.complete([Message.user("hi")], response_format=WeatherReport)
    body = recorder.body()
    assert body["output_config"] == {
        "format": {"type": "json_schema", "schema": WeatherReport.model_json_schema()}
    }
    assert "tools" not in body


async def test_non_object_schema_is_wrapped_and_unwrapped(recorder: Any) -> None:
    # the recorded structured body, answered through the wrapped output tool
    raw = json.loads((FIXTURES / "message_structured.json").read_text())
    raw["content"][0] = {
        "type": "tool_use",
        "id": "t",
        "name": "colors",
        "input": {"value": ["red"]},
    }
    recorder.queue.append(httpx2.Response(200, json=raw))
    schema = {"type": "array", "items": {"type": "string"}}
    response = await make_model(recorder).complete(
        [Message.user("colors")],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "colors", "schema": schema},
        },
    )
    assert json.loads(response.text) == ["red"]
    assert recorder.body()["tools"][0]["input_schema"]["properties"]["value"] == schema


async def test_unknown_option_is_a_clear_error(recorder: Any) -> None:
    with pytest.raises(ValidationError, match="unknown option 'frobnicate'"):
        await make_model(recorder).complete([Message.user("hi")], frobnicate=1)


async def test_bad_image_url_is_a_clear_error(recorder: Any) -> None:
    with pytest.raises(ValidationError, match="data URLs"):
        await make_model(recorder).complete([Message.user("hi", images=["ftp://x/y.png"])])


async def test_cache_breakpoint_marks_the_messages_last_block(recorder: Any) -> None:
    from locus.models.caching import is_cache_breakpoint, mark_cache_breakpoint

    recorder.add("message_text.json")
    model = make_model(recorder, prompt_caching=False)
    document = Message.user("a long document " * 50)
    marked = mark_cache_breakpoint(document)
    assert is_cache_breakpoint(marked)
    assert not is_cache_breakpoint(document)  # the original message is unchanged
    rules = mark_cache_breakpoint(Message.system("rules"))
    await model.complete([rules, marked, Message.assistant("ok"), Message.user("question")])
    body = recorder.body()
    assert body["system"] == [{"type": "text", "text": "rules", "cache_control": EPHEMERAL}]
    first, _, last = body["messages"]
    assert first["content"][-1]["cache_control"] == EPHEMERAL
    assert "cache_control" not in json.dumps(last)
