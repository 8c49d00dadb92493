"""OpenAIModel against recorded chat-completions responses, through the SDK's HTTP layer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from locus.core.errors import (
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
    ValidationError,
)
from locus.core.messages import Message, ToolCall, ToolResult
from locus.models.failover import FailoverReason
from locus.models.guard import ModelRequestsForbiddenError, override_allow_model_requests
from locus.openai import OpenAIModel

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


def make_model(recorder: Any, **kwargs: Any) -> OpenAIModel:
    return OpenAIModel("gpt-4.1", api_key="sk-test", http_client=recorder.client(), **kwargs)


async def test_text_completion(recorder: Any) -> None:
    recorder.add("chat_text.json")
    response = await make_model(recorder).complete([Message.user("Capital of France?")])
    assert response.text == "Paris is the capital of France."
    assert response.stop_reason == "stop"
    assert response.model == "gpt-4.1-2025-04-14"
    assert response.usage == {
        "prompt_tokens": 19,
        "completion_tokens": 8,
        "total_tokens": 27,
        "cache_read_tokens": 4,
    }
    assert response.message.tool_calls == []
    request = recorder.requests[0]
    assert request.url.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert recorder.body() == {
        "model": "gpt-4.1",
        "messages": [{"role": "user", "content": "Capital of France?"}],
    }


async def test_parallel_tool_calls(recorder: Any) -> None:
    recorder.add("chat_tool_calls.json")
    response = await make_model(recorder).complete(
        [Message.system("Be brief."), Message.user("Weather in Paris and Tokyo?")],
        tools=[WEATHER_TOOL],
    )
    assert response.stop_reason == "tool_calls"
    calls = response.message.tool_calls
    assert [(c.id, c.name, c.arguments) for c in calls] == [
        ("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather", {"city": "Paris"}),
        ("call_ABCdef0123456789ghIJklmn", "get_weather", {"city": "Tokyo"}),
    ]
    assert response.message.content is None
    body = recorder.body()
    assert body["tools"] == [WEATHER_TOOL]
    assert body["messages"][0] == {"role": "system", "content": "Be brief."}


async def test_request_body_for_a_full_conversation(recorder: Any) -> None:
    recorder.add("chat_text.json")
    call = ToolCall(id="call_1", name="get_weather", arguments={"city": "Paris"})
    bad = ToolCall(id="call_2", name="get_weather", raw_arguments="{city: Paris")
    messages = [
        Message.system("sys"),
        Message.user("What is in this picture?", images=["data:image/png;base64,iVBORw0KGgo="]),
        Message.assistant(None, tool_calls=[call, bad]),
        Message.tool(ToolResult(tool_call_id="call_1", name="get_weather", content="18C sunny")),
        Message.tool(ToolResult(tool_call_id="call_2", name="get_weather", content="bad args")),
        Message.assistant("It is sunny."),
    ]
    flat_tool = {"name": "lookup", "description": "Look up.", "parameters": {"type": "object"}}
    await make_model(recorder, temperature=0.2, max_tokens=256).complete(
        messages, tools=[flat_tool], tool_choice="auto", seed=7
    )
    body = recorder.body()
    assert body["messages"] == [
        {"role": "system", "content": "sys"},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is in this picture?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
            ],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                },
                {
                    "id": "call_2",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{city: Paris"},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "call_1", "content": "18C sunny"},
        {"role": "tool", "tool_call_id": "call_2", "content": "bad args"},
        {"role": "assistant", "content": "It is sunny."},
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "lookup",
                "description": "Look up.",
                "parameters": {"type": "object"},
            },
        }
    ]
    assert body["temperature"] == 0.2
    assert body["max_completion_tokens"] == 256
    assert body["tool_choice"] == "auto"
    assert body["seed"] == 7


async def test_structured_output_uses_native_json_schema(recorder: Any) -> None:
    recorder.add("chat_structured.json")
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
        "required": ["city", "population"],
        "additionalProperties": False,
    }
    response_format = {
        "type": "json_schema",
        "json_schema": {"name": "CityFacts", "schema": schema, "strict": True},
    }
    response = await make_model(recorder).complete(
        [Message.user("Facts about Paris")], response_format=response_format
    )
    assert json.loads(response.text) == {"city": "Paris", "population": 2102650}
    assert recorder.body()["response_format"] == response_format


async def test_structured_output_accepts_a_pydantic_model(recorder: Any) -> None:
    class CityFacts(BaseModel):
        city: str
        population: int

    recorder.add("chat_structured.json")
    await make_model(recorder).complete([Message.user("Paris")], response_format=CityFacts)
    sent = recorder.body()["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["name"] == "CityFacts"
    assert sent["json_schema"]["schema"]["required"] == ["city", "population"]


async def test_reasoning_tokens_and_length_stop(recorder: Any) -> None:
    recorder.add("chat_reasoning_model.json")
    model = make_model(recorder, reasoning_effort="high")
    response = await model.complete([Message.user("think")])
    assert response.stop_reason == "length"
    assert response.usage["reasoning_tokens"] == 448
    assert response.token_usage.reasoning_tokens == 448
    assert recorder.body()["reasoning_effort"] == "high"


async def test_stream_text(recorder: Any) -> None:
    recorder.add("chat_stream_text.sse")
    chunks = [c async for c in make_model(recorder).stream([Message.user("hi")])]
    assert "".join(c.content or "" for c in chunks) == "Hello there!"
    final = chunks[-1]
    assert final.done is True
    assert final.stop_reason == "stop"
    assert final.usage == {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}
    assert [c.done for c in chunks].count(True) == 1
    body = recorder.body()
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}


async def test_stream_parallel_tool_calls(recorder: Any) -> None:
    recorder.add("chat_stream_tools.sse")
    chunks = [
        c
        async for c in make_model(recorder).stream([Message.user("weather")], tools=[WEATHER_TOOL])
    ]
    deltas = [c.tool_call_delta for c in chunks if c.tool_call_delta is not None]
    calls: dict[int, dict[str, str]] = {}
    for d in deltas:
        entry = calls.setdefault(d.index, {"id": "", "name": "", "args": ""})
        entry["id"] = d.id or entry["id"]
        entry["name"] = d.name or entry["name"]
        entry["args"] += d.arguments_delta
    assert calls == {
        0: {
            "id": "call_Paris0000000000000000001",
            "name": "get_weather",
            "args": '{"city": "Paris"}',
        },
        1: {
            "id": "call_Tokyo0000000000000000002",
            "name": "get_weather",
            "args": '{"city": "Tokyo"}',
        },
    }
    assert chunks[-1].stop_reason == "tool_calls"
    assert chunks[-1].usage is not None
    assert chunks[-1].usage["cache_read_tokens"] == 64


async def test_stream_error_event_raises(recorder: Any) -> None:
    recorder.add("chat_stream_error.sse")
    seen: list[str] = []

    async def consume() -> None:
        async for chunk in make_model(recorder).stream([Message.user("hi")]):
            seen.append(chunk.content or "")

    with pytest.raises(ModelResponseError, match="server had an error"):
        await consume()
    assert seen == ["Par"]


async def test_401_is_auth_error_and_not_retried(recorder: Any, fake_sleep: Any) -> None:
    recorder.add("error_401.json", status=401)
    with pytest.raises(ModelAuthError) as info:
        await make_model(recorder, sleep=fake_sleep).complete([Message.user("hi")])
    assert info.value.reason is FailoverReason.AUTH
    assert "Incorrect API key" in str(info.value)
    assert "Agent(model='test')" in str(info.value)
    assert len(recorder.requests) == 1


async def test_429_waits_for_retry_after_then_succeeds(
    recorder: Any, fake_sleep: Any, sleeps: list[float]
) -> None:
    recorder.add("error_429.json", status=429, headers={"retry-after": "7"})
    recorder.add("chat_text.json")
    response = await make_model(recorder, sleep=fake_sleep).complete([Message.user("hi")])
    assert response.text == "Paris is the capital of France."
    assert sleeps == [7.0]
    assert len(recorder.requests) == 2


async def test_429_exhausts_attempts(recorder: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    for _ in range(3):
        recorder.add("error_429.json", status=429, headers={"retry-after-ms": "1500"})
    with pytest.raises(ModelThrottledError) as info:
        await make_model(recorder, sleep=fake_sleep, max_retries=2).complete([Message.user("hi")])
    assert info.value.retry_after == 1.5
    assert info.value.reason is FailoverReason.RATE_LIMIT
    assert sleeps == [1.5, 1.5]
    assert len(recorder.requests) == 3


async def test_500_then_success(recorder: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    recorder.add("error_500.json", status=500)
    recorder.add("chat_text.json")
    response = await make_model(recorder, sleep=fake_sleep).complete([Message.user("hi")])
    assert response.stop_reason == "stop"
    assert len(sleeps) == 1
    assert len(recorder.requests) == 2


async def test_500_on_stream_open_is_retried(recorder: Any, fake_sleep: Any) -> None:
    recorder.add("error_500.json", status=500)
    recorder.add("chat_stream_text.sse")
    chunks = [c async for c in make_model(recorder, sleep=fake_sleep).stream([Message.user("hi")])]
    assert chunks[-1].done
    assert len(recorder.requests) == 2


async def test_context_length_is_not_retried(recorder: Any, fake_sleep: Any) -> None:
    recorder.add("error_400_context.json", status=400)
    with pytest.raises(ModelError) as info:
        await make_model(recorder, sleep=fake_sleep).complete([Message.user("long")])
    assert info.value.reason is FailoverReason.CONTEXT_LENGTH
    assert len(recorder.requests) == 1


@pytest.mark.parametrize("fixture", ["malformed.html", "chat_no_choices.json"])
async def test_malformed_body(recorder: Any, fixture: str) -> None:
    recorder.add(fixture)
    with pytest.raises(ModelResponseError) as info:
        await make_model(recorder).complete([Message.user("hi")])
    assert info.value.reason is FailoverReason.MALFORMED_RESPONSE
    assert len(recorder.requests) == 1


async def test_guard_blocks_requests(recorder: Any) -> None:
    model = make_model(recorder)
    with override_allow_model_requests(False), pytest.raises(ModelRequestsForbiddenError):
        await model.complete([Message.user("hi")])
    assert recorder.requests == []


def test_missing_key_is_auth_error_with_offline_hint() -> None:
    with pytest.raises(ModelAuthError) as info:
        OpenAIModel("gpt-4.1")
    assert "OPENAI_API_KEY" in str(info.value)
    assert "Agent(model='test')" in str(info.value)


async def test_env_credentials_and_endpoint(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.example.com/v1")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-42")
    recorder.add("chat_text.json")
    model = OpenAIModel("gpt-4.1", http_client=recorder.client(), default_headers={"X-Team": "a"})
    await model.complete([Message.user("hi")])
    request = recorder.requests[0]
    assert str(request.url) == "https://proxy.example.com/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-env"
    assert request.headers["openai-organization"] == "org-42"
    assert request.headers["x-team"] == "a"


def test_unknown_option_is_a_clear_error(recorder: Any) -> None:
    with pytest.raises(ValidationError, match="extra_body"):
        make_model(recorder).build_request([Message.user("hi")], None, {"temprature": 1})


def test_tool_message_without_call_id_is_rejected(recorder: Any) -> None:
    with pytest.raises(ValidationError, match="tool_call_id"):
        make_model(recorder).build_request([Message(role="tool", content="x")], None, {})


async def test_timeout_is_retried_then_raised(fake_sleep: Any, sleeps: list[float]) -> None:
    attempts: list[int] = []

    def slow(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        raise httpx.ReadTimeout("timed out", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(slow))
    model = OpenAIModel(
        "gpt-4.1", api_key="k", http_client=client, sleep=fake_sleep, max_retries=2, timeout=5
    )
    with pytest.raises(ModelError) as info:
        await model.complete([Message.user("hi")])
    assert info.value.reason is FailoverReason.TIMEOUT
    assert len(attempts) == 3
    assert len(sleeps) == 2
