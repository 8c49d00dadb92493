"""An Agent with a tool runs a full loop against recorded Ollama responses."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from locus.agent import Agent
from locus.ollama import OllamaModel
from locus.testing.http import fixture_response as kit_fixture_response
from locus.tools.decorator import tool

FIXTURES = Path(__file__).parent / "fixtures"


fixture_response = partial(kit_fixture_response, fixtures=FIXTURES, httpx_module=httpx)
"""A recorded fixture file as a 200 response (``.sse`` → ``text/event-stream``)."""


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "stream"])
def test_agent_runs_a_tool_loop_over_recorded_ollama(stream: bool) -> None:
    calls: list[str] = []

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        calls.append(city)
        return f"{city}: 18C"

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        answered = any(m["role"] == "tool" for m in body["messages"])
        if body.get("stream"):
            return fixture_response("ollama_stream.sse" if answered else "ollama_stream_tools.sse")
        return fixture_response("ollama_chat.json" if answered else "ollama_tool_calls.json")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    agent = Agent(
        model=OllamaModel("llama3.2", http_client=client), tools=[get_weather], stream=stream
    )
    result = agent.run_sync("Weather in Paris and Tokyo?")

    assert sorted(calls) == ["Paris", "Tokyo"]
    assert result.text == (
        "Hello!" if stream else "The sky is blue because of Rayleigh scattering."
    )
    assert all(b.get("stream", False) is stream for b in bodies)
    assert any(m["role"] == "tool" for m in bodies[-1]["messages"])
    assert len(bodies) == 2
