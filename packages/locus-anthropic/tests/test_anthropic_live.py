"""Calls the real Anthropic API; runs only when ANTHROPIC_API_KEY is set."""

from __future__ import annotations

import os

import pytest

from locus.anthropic import AnthropicModel
from locus.core.messages import Message

# read at import time: the autouse fixture clears the variable for the offline tests
KEY = os.environ.get("ANTHROPIC_API_KEY")
MODEL = os.environ.get("LOCUS_LIVE_ANTHROPIC_MODEL", "claude-haiku-4-5")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not KEY, reason="ANTHROPIC_API_KEY is not set; live Anthropic tests skipped"
    ),
]

TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


async def test_live_tool_call() -> None:
    model = AnthropicModel(MODEL, api_key=KEY, max_tokens=256)
    response = await model.complete([Message.user("What's the weather in Paris?")], tools=[TOOL])
    assert response.stop_reason == "tool_calls"
    assert response.message.tool_calls[0].name == "get_weather"
    assert response.usage["prompt_tokens"] > 0


async def test_live_stream() -> None:
    model = AnthropicModel(MODEL, api_key=KEY, max_tokens=32)
    chunks = [c async for c in model.stream([Message.user("Say hello.")])]
    assert "".join(c.content or "" for c in chunks)
    assert chunks[-1].done
    assert chunks[-1].usage


async def test_live_structured_output() -> None:
    model = AnthropicModel(MODEL, api_key=KEY, max_tokens=256)
    schema = {
        "type": "object",
        "properties": {"capital": {"type": "string"}},
        "required": ["capital"],
    }
    response = await model.complete(
        [Message.user("Capital of France?")],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": schema},
        },
    )
    assert "Paris" in response.text
