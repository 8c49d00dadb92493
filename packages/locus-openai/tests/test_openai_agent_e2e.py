"""An Agent with a tool runs a full loop against recorded OpenAI responses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from locus.openai import OpenAIModel

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_response(name: str) -> httpx.Response:
    kind = "text/event-stream" if name.endswith(".sse") else "application/json"
    return httpx.Response(
        200, content=(FIXTURES / name).read_bytes(), headers={"content-type": kind}
    )


def _agent_api() -> tuple[Any, Any]:
    try:
        from locus.agent import Agent
        from locus.tools.decorator import tool
    except ImportError:
        pytest.skip("agent not available (locus.agent.Agent / locus.tools.decorator.tool)")
    return Agent, tool


def _recorded_openai(bodies: list[dict[str, Any]]) -> httpx.AsyncClient:
    """Answers the first turn with two get_weather calls and the turn after the results with text."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        answered = any(m["role"] == "tool" for m in body["messages"])
        stream = body.get("stream", False)
        if answered:
            return fixture_response("chat_stream_text.sse" if stream else "chat_text.json")
        return fixture_response("chat_stream_tools.sse" if stream else "chat_tool_calls.json")

    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def test_agent_runs_a_tool_loop_over_recorded_openai() -> None:
    Agent, tool = _agent_api()
    calls: list[str] = []

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        calls.append(city)
        return f"{city}: 18C and sunny"

    bodies: list[dict[str, Any]] = []
    model = OpenAIModel("gpt-4.1", api_key="sk-test", http_client=_recorded_openai(bodies))
    agent = Agent(model=model, tools=[get_weather], system_prompt="You report the weather.")
    result = agent.run_sync("Weather in Paris and Tokyo?")

    assert sorted(calls) == ["Paris", "Tokyo"]
    text = getattr(result, "text", None) or str(getattr(result, "message", ""))
    assert "Paris" in text or "Hello there" in text
    first, last = bodies[0], bodies[-1]
    assert first["messages"][0] == {"role": "system", "content": "You report the weather."}
    assert first["tools"][0]["function"]["name"] == "get_weather"
    tool_messages = [m for m in last["messages"] if m["role"] == "tool"]
    assert {m["tool_call_id"] for m in tool_messages} >= {
        "call_DdmO9pD3xa9XTPNJ32zg2hcA",
        "call_ABCdef0123456789ghIJklmn",
    } or {m["tool_call_id"] for m in tool_messages} >= {
        "call_Paris0000000000000000001",
        "call_Tokyo0000000000000000002",
    }
