"""An Agent with a tool runs a full loop against recorded Anthropic responses."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import httpx2

from locus.agent import Agent
from locus.anthropic import AnthropicModel
from locus.testing.http import fixture_response as kit_fixture_response
from locus.tools.decorator import tool

FIXTURES = Path(__file__).parent / "fixtures"


fixture_response = partial(kit_fixture_response, fixtures=FIXTURES, httpx_module=httpx2)
"""A recorded fixture file as a 200 response (``.sse`` → ``text/event-stream``)."""


def _recorded_anthropic(bodies: list[dict[str, Any]]) -> httpx2.AsyncClient:
    """First turn: two parallel get_weather calls; once results are sent back: text."""

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        bodies.append(body)
        answered = any(
            block.get("type") == "tool_result"
            for message in body["messages"]
            if isinstance(message["content"], list)
            for block in message["content"]
        )
        stream = body.get("stream", False)
        if answered:
            return fixture_response("stream_text.sse" if stream else "message_text.json")
        return fixture_response("stream_tool_use.sse" if stream else "message_tool_use.json")

    return httpx2.AsyncClient(transport=httpx2.MockTransport(handler))


def test_agent_runs_a_tool_loop_over_recorded_anthropic() -> None:
    calls: list[str] = []

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        calls.append(city)
        return f"{city}: 18C and sunny"

    bodies: list[dict[str, Any]] = []
    model = AnthropicModel(
        "claude-sonnet-4-6", api_key="sk-ant-test", http_client=_recorded_anthropic(bodies)
    )
    agent = Agent(model=model, tools=[get_weather], system_prompt="You report the weather.")
    result = agent.run_sync("Weather in Paris and Tokyo?")

    assert sorted(calls) == ["Paris", "Tokyo"]
    text = getattr(result, "text", None) or str(getattr(result, "message", ""))
    assert "Paris is the capital of France." in text
    first, last = bodies[0], bodies[-1]
    assert first["system"][0]["text"] == "You report the weather."
    assert first["tools"][0]["name"] == "get_weather"
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    # the assistant turn goes back as text + tool_use, the two results in one user turn
    assistant = last["messages"][1]
    assert assistant["role"] == "assistant"
    assert [b["type"] for b in assistant["content"]][-2:] == ["tool_use", "tool_use"]
    results = last["messages"][2]
    assert results["role"] == "user"
    assert {b["tool_use_id"] for b in results["content"] if b["type"] == "tool_result"} == {
        "toolu_01A09q90qw90lq917835lq9",
        "toolu_01B19r91rx91mr928946mr0",
    }


def test_streaming_agent_sends_signed_thinking_back() -> None:
    """stream=True: the agent rebuilds turns from chunks; the thinking still round-trips."""

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        return f"{city}: 18C"

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        bodies.append(body)
        return fixture_response("stream_text.sse" if len(bodies) > 1 else "stream_thinking.sse")

    model = AnthropicModel(
        "claude-sonnet-4-6",
        api_key="sk-ant-test",
        thinking=1024,
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )
    agent = Agent(model=model, tools=[get_weather], stream=True)
    result = agent.run_sync("Weather in Paris?")
    text = getattr(result, "text", None) or str(getattr(result, "message", ""))
    assert "Paris is the capital of France." in text
    assert len(bodies) == 2
    assistant = bodies[1]["messages"][1]
    assert [b["type"] for b in assistant["content"]] == ["thinking", "tool_use"]
    assert assistant["content"][0]["signature"].startswith("EqQB")


def test_streamed_thinking_goes_back_signed_after_a_checkpoint_reload(tmp_path: Path) -> None:
    """The thinking turn is saved to SQLite; a new Agent and model resume and send it back."""
    from locus.core.interrupt import interrupt

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city (asks a human first)."""
        return f"{city}: 18C" if interrupt({"city": city}) == "ok" else "refused"

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        bodies.append(body)
        return fixture_response("stream_text.sse" if len(bodies) > 1 else "stream_thinking.sse")

    def agent() -> Any:
        model = AnthropicModel(
            "claude-sonnet-4-6",
            api_key="sk-ant-test",
            thinking=1024,
            http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
        )
        url = f"sqlite:///{tmp_path / 'threads.db'}"
        return Agent(model=model, tools=[get_weather], stream=True, checkpointer=url)

    paused = agent().run_sync("Weather in Paris?", thread_id="w-1")
    assert paused.stop_reason == "Interrupted(get_weather)"
    assert len(bodies) == 1
    # a new process would see only the checkpoint: a fresh Agent and AnthropicModel
    result = agent().resume_sync("w-1", answer="ok")
    assert "Paris is the capital of France." in result.message
    assert len(bodies) == 2
    assistant = bodies[1]["messages"][1]
    assert [b["type"] for b in assistant["content"]] == ["thinking", "tool_use"]
    assert assistant["content"][0]["signature"] == (
        "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"
    )
    assert bodies[1]["messages"][2]["content"][0]["content"] == "Paris: 18C"


def test_agent_output_schema_by_tool_forcing() -> None:
    from pydantic import BaseModel

    class WeatherReport(BaseModel):
        city: str
        temperature_c: int
        sunny: bool

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        bodies.append(json.loads(request.content))
        return fixture_response("message_structured.json")

    model = AnthropicModel(
        "claude-sonnet-4-6",
        api_key="sk-ant-test",
        http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(handler)),
    )
    agent = Agent(model=model, output_schema=WeatherReport)
    result = agent.run_sync("Weather in Paris?")
    text = getattr(result, "text", None) or str(getattr(result, "message", ""))
    assert WeatherReport.model_validate_json(text).city == "Paris"
    assert bodies[0]["tool_choice"] == {"type": "tool", "name": "WeatherReport"}
