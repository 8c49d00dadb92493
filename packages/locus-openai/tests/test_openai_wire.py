"""The reusable wire-format pieces, called directly (what OpenAI-compatible providers build on)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from locus.core.errors import ModelError, ModelResponseError
from locus.models.failover import FailoverReason
from locus.openai import (
    ChatStreamAccumulator,
    ResponsesStreamAccumulator,
    iter_sse_json,
    normalize_finish_reason,
    parse_chat_completion,
    parse_response,
    response_format_to_text,
)


async def _lines(*lines: str) -> AsyncIterator[str]:
    for line in lines:
        yield line


async def test_sse_multiline_data_comments_and_missing_final_blank_line() -> None:
    events = [
        e
        async for e in iter_sse_json(
            _lines(": keep-alive", "event: x", 'data: {"a":', "data: 1}", "", 'data: {"b": 2}'),
            provider="p",
        )
    ]
    assert events == [{"a": 1}, {"b": 2}]


async def test_sse_done_sentinel_stops_and_garbage_raises() -> None:
    assert [
        e
        async for e in iter_sse_json(_lines("data: [DONE]", "", 'data: {"x":1}', ""), provider="p")
    ] == []
    with pytest.raises(ModelResponseError, match="not JSON"):
        _ = [e async for e in iter_sse_json(_lines("data: nope", ""), provider="p")]


@pytest.mark.parametrize(
    ("reason", "has_calls", "expected"),
    [
        ("stop", False, "stop"),
        ("stop", True, "tool_calls"),
        ("function_call", False, "tool_calls"),
        ("length", False, "length"),
        ("content_filter", False, "content_filter"),
        (None, True, "tool_calls"),
        (None, False, None),
        ("eos", False, "eos"),
    ],
)
def test_finish_reasons(reason: str | None, has_calls: bool, expected: str | None) -> None:
    assert normalize_finish_reason(reason, has_tool_calls=has_calls) == expected


def test_stream_tool_calls_without_index_and_with_object_arguments() -> None:
    acc = ChatStreamAccumulator(provider="compat")
    events = []
    for chunk in [
        {
            "choices": [
                {
                    "delta": {
                        "tool_calls": [{"id": "a", "function": {"name": "f", "arguments": '{"x"'}}]
                    }
                }
            ]
        },
        {"choices": [{"delta": {"tool_calls": [{"function": {"arguments": ": 1}"}}]}}]},
        {
            "choices": [
                {
                    "delta": {
                        "tool_calls": [
                            {"id": "b", "function": {"name": "g", "arguments": {"y": 2}}}
                        ]
                    }
                }
            ]
        },
        {"choices": [{"delta": {}, "finish_reason": "stop"}]},
    ]:
        events += acc.feed(chunk)
    deltas = [
        (e.tool_call_delta.index, e.tool_call_delta.arguments_delta)
        for e in events
        if e.tool_call_delta
    ]
    assert deltas == [(0, '{"x"'), (0, ": 1}"), (1, '{"y": 2}')]
    assert acc.final().stop_reason == "tool_calls"


def test_reasoning_content_of_compatible_servers() -> None:
    acc = ChatStreamAccumulator()
    events = acc.feed({"choices": [{"delta": {"reasoning_content": "hmm", "content": "ok"}}]})
    assert [(e.reasoning, e.content) for e in events] == [("hmm", None), (None, "ok")]
    body = {
        "choices": [{"message": {"role": "assistant", "content": "ok", "reasoning_content": "why"}}]
    }
    assert parse_chat_completion(body).message.reasoning == "why"


def test_refusal_becomes_text_with_a_marker() -> None:
    body = {
        "choices": [
            {
                "message": {"role": "assistant", "content": None, "refusal": "I can't."},
                "finish_reason": "stop",
            }
        ]
    }
    response = parse_chat_completion(body)
    assert response.text == "I can't."
    assert response.message.metadata == {"refusal": True}


def test_undecodable_tool_arguments_are_kept_raw() -> None:
    body = {
        "choices": [
            {
                "message": {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{bad"},
                        }
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ]
    }
    call = parse_chat_completion(body).message.tool_calls[0]
    assert call.arguments == {}
    assert call.raw_arguments == "{bad"


def test_responses_output_without_list_is_malformed() -> None:
    with pytest.raises(ModelResponseError):
        parse_response({"id": "resp_1", "status": "completed"})


def test_responses_json_object_format_and_error_event() -> None:
    assert response_format_to_text({"type": "json_object"}) == {"format": {"type": "json_object"}}
    acc = ResponsesStreamAccumulator()
    with pytest.raises(ModelError, match="rate limited") as info:
        acc.feed({"type": "error", "code": "rate_limit_exceeded", "message": "rate limited"})
    assert info.value.reason is FailoverReason.RATE_LIMIT
