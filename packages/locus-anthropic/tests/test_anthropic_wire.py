"""Wire-format functions: tools, tool_choice, stop reasons, usage, and the accumulator on SDK events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest

from locus.anthropic import (
    AnthropicModel,
    AnthropicStreamAccumulator,
    anthropic_usage,
    messages_to_anthropic,
    normalize_stop_reason,
    tools_to_anthropic,
)
from locus.core.errors import ValidationError
from locus.core.messages import Message

FIXTURES = Path(__file__).parent / "fixtures"


def test_tools_in_every_accepted_shape() -> None:
    native = {"name": "a", "description": "A.", "input_schema": {"type": "object"}}
    server = {"type": "web_search_20250305", "name": "web_search", "max_uses": 3}
    flat = {"name": "b", "parameters": {"type": "object", "properties": {}}}
    bare = {"type": "function", "function": {"name": "c"}}
    assert tools_to_anthropic([native, server, flat, bare]) == [
        native,
        server,
        {"name": "b", "input_schema": {"type": "object", "properties": {}}},
        {"name": "c", "input_schema": {"type": "object", "properties": {}}},
    ]
    with pytest.raises(ValidationError, match="name"):
        tools_to_anthropic([{"description": "nameless"}])


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("tool_use", "tool_calls"),
        ("max_tokens", "length"),
        ("model_context_window_exceeded", "length"),
        ("refusal", "content_filter"),
        ("pause_turn", "pause_turn"),
    ],
)
def test_stop_reasons(reason: str, expected: str) -> None:
    assert normalize_stop_reason(reason) == expected


def test_usage_without_cache_has_no_cache_keys() -> None:
    assert anthropic_usage({"input_tokens": 3, "output_tokens": 4}) == {
        "prompt_tokens": 3,
        "completion_tokens": 4,
        "total_tokens": 7,
    }


@pytest.mark.parametrize(
    ("choice", "parallel", "expected"),
    [
        ("required", None, {"type": "any"}),
        ("none", None, {"type": "none"}),
        ("get_weather", None, {"type": "tool", "name": "get_weather"}),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            None,
            {"type": "tool", "name": "get_weather"},
        ),
        (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
    ],
)
def test_tool_choice_mapping(choice: Any, parallel: bool | None, expected: dict[str, Any]) -> None:
    model = AnthropicModel(api_key="k")
    request, _ = model.build_request(
        [Message.user("hi")], None, {"tool_choice": choice, "parallel_tool_calls": parallel}
    )
    assert request["tool_choice"] == expected


def test_stop_and_json_object_and_extra_body() -> None:
    model = AnthropicModel(api_key="k", temperature=0.5, params={"extra_body": {"x": 1}})
    request, output = model.build_request(
        [Message.user("hi")], None, {"stop": "END", "response_format": {"type": "json_object"}}
    )
    assert request["stop_sequences"] == ["END"]
    assert request["extra_body"] == {"x": 1, "temperature": 0.5}
    assert output is not None
    assert request["tools"][0]["input_schema"] == {"type": "object"}
    text_request, text_output = model.build_request(
        [Message.user("hi")], None, {"response_format": {"type": "text"}}
    )
    assert text_output is None
    assert "tools" not in text_request
    with pytest.raises(ValidationError, match="response_format"):
        model.build_request([Message.user("hi")], None, {"response_format": "yaml"})


def test_empty_assistant_turns_are_dropped_and_roles_alternate() -> None:
    system, messages = messages_to_anthropic(
        [Message.user("a"), Message.assistant(""), Message.user("b")]
    )
    assert system == []
    assert messages == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    ]


def test_tool_message_without_call_id_is_rejected() -> None:
    from locus.core.messages import Role

    with pytest.raises(ValidationError, match="tool_call_id"):
        messages_to_anthropic([Message(role=Role.TOOL, content="x")])


async def test_accumulator_reads_the_sdks_typed_events() -> None:
    """Driving the SDK's own AsyncStream: the accumulator takes its typed events too."""
    from anthropic import AsyncAnthropic

    body = (FIXTURES / "stream_tool_use.sse").read_bytes()
    client = AsyncAnthropic(
        api_key="k",
        max_retries=0,
        http_client=httpx2.AsyncClient(
            transport=httpx2.MockTransport(
                lambda r: httpx2.Response(
                    200, content=body, headers={"content-type": "text/event-stream"}
                )
            )
        ),
    )
    stream = await client.messages.create(
        model="claude-sonnet-4-6",
        max_tokens=64,
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
    )
    accumulator = AnthropicStreamAccumulator()
    chunks = [chunk async for event in stream for chunk in accumulator.feed(event)]
    args = "".join(
        c.tool_call_delta.arguments_delta
        for c in chunks
        if c.tool_call_delta and c.tool_call_delta.index == 1
    )
    assert json.loads(args) == {"city": "Tokyo"}
    final = accumulator.final()
    assert final.stop_reason == "tool_calls"
    assert final.usage is not None
    assert final.usage["completion_tokens"] == 96
