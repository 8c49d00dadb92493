"""Per-call client overhead of locus's OpenAI models vs the bare ``openai`` SDK.

Both sides send through the same ``httpx.MockTransport`` serving a recorded
response, so no network is involved: what is measured is request building,
the SDK's HTTP layer, and response parsing. Cases: a chat completion with two
parallel tool calls, a 40-chunk chat stream, and a Responses API call. The
bare-SDK side parses into the SDK's own typed objects (what a user of the SDK
gets); the locus side produces a ``ModelResponse`` / ``ModelChunkEvent`` s.
Goal: ratio ≤ 1.2x.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

sys.path.insert(0, os.path.dirname(__file__))
import httpx
from _peers import median, table
from openai import AsyncOpenAI

from locus.core.messages import Message
from locus.models.guard import set_allow_model_requests
from locus.openai import OpenAIModel, OpenAIResponsesModel

CALLS = int(os.environ.get("LOCUS_BENCH_CALLS", "400"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "5"))

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
CHAT = json.dumps(
    {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4.1-2025-04-14",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": f"call_{i}",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        }
                        for i in range(2)
                    ],
                },
            }
        ],
        "usage": {
            "prompt_tokens": 80,
            "completion_tokens": 40,
            "total_tokens": 120,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        },
    }
).encode()
STREAM = (
    "".join(
        "data: "
        + json.dumps(
            {
                "id": "c",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": "gpt-4.1",
                "choices": [{"index": 0, "delta": {"content": f"tok{i} "}, "finish_reason": None}],
            }
        )
        + "\n\n"
        for i in range(40)
    )
    + 'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1",'
    '"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n'
    'data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[],'
    '"usage":{"prompt_tokens":9,"completion_tokens":40,"total_tokens":49}}\n\ndata: [DONE]\n\n'
).encode()
RESPONSES = json.dumps(
    {
        "id": "resp_1",
        "object": "response",
        "created_at": 1741476542,
        "status": "completed",
        "model": "gpt-5",
        "output": [
            {
                "type": "message",
                "id": "msg_1",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "Paris.", "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": {
            "input_tokens": 36,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 8,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 44,
        },
    }
).encode()


def client_for(body: bytes, content_type: str) -> httpx.AsyncClient:
    headers = {"content-type": content_type}
    return httpx.AsyncClient(
        transport=httpx.MockTransport(
            lambda request: httpx.Response(200, content=body, headers=headers)
        )
    )


async def per_call_us(call: Callable[[], Awaitable[Any]]) -> float:
    for _ in range(20):
        await call()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(CALLS):
            await call()
        samples.append((time.perf_counter() - start) / CALLS * 1e6)
    return median(samples)


async def main() -> None:
    set_allow_model_requests(True)
    messages = [Message.system("Be brief."), Message.user("Weather in Paris?")]
    raw_messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
    ]

    sdk_chat = AsyncOpenAI(
        api_key="k", max_retries=0, http_client=client_for(CHAT, "application/json")
    )
    ours_chat = OpenAIModel(
        "gpt-4.1", api_key="k", http_client=client_for(CHAT, "application/json")
    )

    async def sdk_complete() -> Any:
        r = await sdk_chat.chat.completions.create(
            model="gpt-4.1", messages=raw_messages, tools=[TOOL]
        )
        return r.choices[0].message.tool_calls

    async def ours_complete() -> Any:
        return (await ours_chat.complete(messages, tools=[TOOL])).message.tool_calls

    sdk_stream_client = AsyncOpenAI(
        api_key="k", max_retries=0, http_client=client_for(STREAM, "text/event-stream")
    )
    ours_stream = OpenAIModel(
        "gpt-4.1", api_key="k", http_client=client_for(STREAM, "text/event-stream")
    )

    async def sdk_stream() -> int:
        n = 0
        stream = await sdk_stream_client.chat.completions.create(
            model="gpt-4.1",
            messages=raw_messages,
            stream=True,
            stream_options={"include_usage": True},
        )
        async for _ in stream:
            n += 1
        return n

    async def ours_stream_call() -> int:
        n = 0
        async for _ in ours_stream.stream(messages):
            n += 1
        return n

    sdk_resp = AsyncOpenAI(
        api_key="k", max_retries=0, http_client=client_for(RESPONSES, "application/json")
    )
    ours_resp = OpenAIResponsesModel(
        "gpt-5", api_key="k", http_client=client_for(RESPONSES, "application/json")
    )

    async def sdk_responses() -> str:
        r = await sdk_resp.responses.create(model="gpt-5", input=raw_messages, store=False)
        return r.output_text

    async def ours_responses() -> str:
        return (await ours_resp.complete(messages)).text

    rows = []
    for name, sdk, ours in [
        ("chat complete (2 tool calls)", sdk_complete, ours_complete),
        ("chat stream (40 chunks)", sdk_stream, ours_stream_call),
        ("responses complete", sdk_responses, ours_responses),
    ]:
        sdk_us = await per_call_us(sdk)
        ours_us = await per_call_us(ours)
        rows.append((name, f"{sdk_us:.0f}", f"{ours_us:.0f}", f"{ours_us / sdk_us:.2f}x"))
    print(table(rows, ("case", "openai SDK µs/call", "locus µs/call", "ratio (goal ≤ 1.2x)")))


if __name__ == "__main__":
    asyncio.run(main())
