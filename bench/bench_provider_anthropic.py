"""Per-call client overhead of locus's AnthropicModel vs the bare ``anthropic`` SDK.

Both sides send through the same ``httpx2.MockTransport`` (the transport layer
``anthropic>=2`` uses) serving a recorded Messages API response, so no network
is involved: what is measured is request building, the SDK's HTTP layer and
response parsing. Cases: a completion with text and two parallel tool calls,
and a 40-delta stream. The bare-SDK side parses into the SDK's typed objects
(what a user of the SDK gets); the locus side produces a ``ModelResponse`` /
``ModelChunkEvent`` s. Goal: ratio ≤ 1.2x.

Run: ``python bench/bench_provider_anthropic.py`` (``LOCUS_BENCH_CALLS`` /
``LOCUS_BENCH_ROUNDS`` tune the sample size).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
from anthropic import AsyncAnthropic

from locus.anthropic import AnthropicModel
from locus.core.messages import Message
from locus.models.guard import set_allow_model_requests

CALLS = int(os.environ.get("LOCUS_BENCH_CALLS", "400"))
ROUNDS = int(os.environ.get("LOCUS_BENCH_ROUNDS", "5"))
MODEL = "claude-sonnet-4-6"

TOOL = {
    "name": "get_weather",
    "description": "Current weather for a city.",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}
MESSAGE = json.dumps(
    {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-6",
        "content": [{"type": "text", "text": "Checking both."}]
        + [
            {
                "type": "tool_use",
                "id": f"toolu_{i}",
                "name": "get_weather",
                "input": {"city": city},
            }
            for i, city in enumerate(["Paris", "Tokyo"])
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 80,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 1200,
            "output_tokens": 40,
        },
    }
).encode()


def _sse(events: list[dict[str, Any]]) -> bytes:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


STREAM = _sse(
    [
        {
            "type": "message_start",
            "message": {
                "id": "msg_2",
                "type": "message",
                "role": "assistant",
                "model": MODEL,
                "content": [],
                "stop_reason": None,
                "stop_sequence": None,
                "usage": {"input_tokens": 9, "output_tokens": 1},
            },
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        *[
            {
                "type": "content_block_delta",
                "index": 0,
                "delta": {"type": "text_delta", "text": f"tok{i} "},
            }
            for i in range(40)
        ],
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn", "stop_sequence": None},
            "usage": {"output_tokens": 40},
        },
        {"type": "message_stop"},
    ]
)


def client_for(body: bytes, content_type: str) -> httpx2.AsyncClient:
    headers = {"content-type": content_type}
    return httpx2.AsyncClient(
        transport=httpx2.MockTransport(
            lambda request: httpx2.Response(200, content=body, headers=headers)
        )
    )


async def _round_us(call: Callable[[], Awaitable[Any]]) -> float:
    start = time.perf_counter()
    for _ in range(CALLS):
        await call()
    return (time.perf_counter() - start) / CALLS * 1e6


async def compare_us(
    sdk: Callable[[], Awaitable[Any]], ours: Callable[[], Awaitable[Any]]
) -> tuple[float, float]:
    """Median µs/call of each side, rounds interleaved so machine load hits both alike."""
    for _ in range(20):
        await sdk()
        await ours()
    sdk_samples, ours_samples = [], []
    for _ in range(ROUNDS):
        sdk_samples.append(await _round_us(sdk))
        ours_samples.append(await _round_us(ours))
    return statistics.median(sdk_samples), statistics.median(ours_samples)


def table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows]
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


async def main() -> None:
    set_allow_model_requests(True)
    messages = [Message.system("Be brief."), Message.user("Weather in Paris and Tokyo?")]
    raw_messages = [{"role": "user", "content": "Weather in Paris and Tokyo?"}]
    system = [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}]

    sdk = AsyncAnthropic(
        api_key="k", max_retries=0, http_client=client_for(MESSAGE, "application/json")
    )
    ours = AnthropicModel(MODEL, api_key="k", http_client=client_for(MESSAGE, "application/json"))

    async def sdk_complete() -> Any:
        r = await sdk.messages.create(
            model=MODEL, max_tokens=8192, system=system, messages=raw_messages, tools=[TOOL]
        )
        return [b for b in r.content if b.type == "tool_use"]

    async def ours_complete() -> Any:
        return (await ours.complete(messages, tools=[TOOL])).message.tool_calls

    sdk_s = AsyncAnthropic(
        api_key="k", max_retries=0, http_client=client_for(STREAM, "text/event-stream")
    )
    ours_s = AnthropicModel(MODEL, api_key="k", http_client=client_for(STREAM, "text/event-stream"))

    async def sdk_stream() -> int:
        n = 0
        stream = await sdk_s.messages.create(
            model=MODEL, max_tokens=8192, messages=raw_messages, stream=True
        )
        async for _ in stream:
            n += 1
        return n

    async def ours_stream() -> int:
        n = 0
        async for _ in ours_s.stream(messages):
            n += 1
        return n

    rows = []
    for name, sdk_call, ours_call in [
        ("complete (text + 2 tool calls)", sdk_complete, ours_complete),
        ("stream (40 text deltas)", sdk_stream, ours_stream),
    ]:
        sdk_us, ours_us = await compare_us(sdk_call, ours_call)
        rows.append((name, f"{sdk_us:.0f}", f"{ours_us:.0f}", f"{ours_us / sdk_us:.2f}x"))
    print(table(rows, ("case", "anthropic SDK µs/call", "locus µs/call", "ratio (goal ≤ 1.2x)")))


if __name__ == "__main__":
    warnings.simplefilter("ignore", DeprecationWarning)
    asyncio.run(main())
