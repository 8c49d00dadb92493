"""Calls the real OpenAI API; runs only when OPENAI_API_KEY is set."""

from __future__ import annotations

import os

import pytest

from locus.core.messages import Message
from locus.openai import OpenAIEmbeddings, OpenAIModel, OpenAIResponsesModel

# read at import time: the autouse fixture clears the variable for the offline tests
KEY = os.environ.get("OPENAI_API_KEY")
MODEL = os.environ.get("LOCUS_LIVE_OPENAI_MODEL", "gpt-4.1-mini")

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(not KEY, reason="OPENAI_API_KEY is not set; live OpenAI tests skipped"),
]

TOOL = {
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


async def test_live_chat_tool_call() -> None:
    model = OpenAIModel(MODEL, api_key=KEY, temperature=0)
    response = await model.complete([Message.user("What's the weather in Paris?")], tools=[TOOL])
    assert response.stop_reason == "tool_calls"
    assert response.message.tool_calls[0].name == "get_weather"
    assert response.usage["prompt_tokens"] > 0


async def test_live_chat_stream() -> None:
    model = OpenAIModel(MODEL, api_key=KEY, max_tokens=20)
    chunks = [c async for c in model.stream([Message.user("Say hello.")])]
    assert "".join(c.content or "" for c in chunks)
    assert chunks[-1].done
    assert chunks[-1].usage


async def test_live_responses() -> None:
    model = OpenAIResponsesModel(MODEL, api_key=KEY)
    response = await model.complete([Message.user("Reply with the single word: pong")])
    assert "pong" in response.text.lower()


async def test_live_embeddings() -> None:
    vectors = await OpenAIEmbeddings(api_key=KEY, dimensions=8).embed(["a", "b"])
    assert [len(v) for v in vectors] == [8, 8]
