"""An Agent with a tool runs a full loop against recorded OpenAI responses."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from locus.agent import Agent
from locus.openai import OpenAIModel
from locus.testing.http import fixture_response as kit_fixture_response
from locus.tools.decorator import tool

FIXTURES = Path(__file__).parent / "fixtures"


fixture_response = partial(kit_fixture_response, fixtures=FIXTURES, httpx_module=httpx)
"""A recorded fixture file as a 200 response (``.sse`` → ``text/event-stream``)."""


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


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "stream"])
def test_agent_runs_a_tool_loop_over_recorded_openai(stream: bool) -> None:
    calls: list[str] = []

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        calls.append(city)
        return f"{city}: 18C and sunny"

    bodies: list[dict[str, Any]] = []
    model = OpenAIModel("gpt-4.1", api_key="sk-test", http_client=_recorded_openai(bodies))
    agent = Agent(
        model=model, tools=[get_weather], system_prompt="You report the weather.", stream=stream
    )
    result = agent.run_sync("Weather in Paris and Tokyo?")

    assert sorted(calls) == ["Paris", "Tokyo"]
    expected = "Hello there!" if stream else "Paris is the capital of France."
    assert result.text == expected
    assert len(bodies) == 2
    first, last = bodies
    assert first["messages"][0] == {"role": "system", "content": "You report the weather."}
    assert first["messages"][1] == {"role": "user", "content": "Weather in Paris and Tokyo?"}
    assert first["tools"][0]["function"]["name"] == "get_weather"
    assert first["tools"][0]["function"]["parameters"]["properties"]["city"]["type"] == "string"
    assistant = [m for m in last["messages"] if m["role"] == "assistant"]
    assert len(assistant[0]["tool_calls"]) == 2
    tool_messages = [m for m in last["messages"] if m["role"] == "tool"]
    sent_ids = {c["id"] for c in assistant[0]["tool_calls"]}
    assert {m["tool_call_id"] for m in tool_messages} == sent_ids
    assert sorted(m["content"] for m in tool_messages) == [
        "Paris: 18C and sunny",
        "Tokyo: 18C and sunny",
    ]


def test_agent_structured_output_over_recorded_openai() -> None:

    class CityFacts(BaseModel):
        city: str
        population: int

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return fixture_response("chat_structured.json")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    agent = Agent(
        model=OpenAIModel("gpt-4.1", api_key="k", http_client=client), output_schema=CityFacts
    )
    result = agent.run_sync("Facts about Paris")
    assert result.structured_output == CityFacts(city="Paris", population=2102650)
    assert bodies[0]["response_format"]["type"] == "json_schema"
    assert bodies[0]["response_format"]["json_schema"]["name"] == "CityFacts"


def test_agent_tool_loop_over_the_recorded_responses_api() -> None:
    from locus.openai import OpenAIResponsesModel

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        return f"{city}: 18C"

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        bodies.append(body)
        answered = any(i.get("type") == "function_call_output" for i in body["input"])
        return fixture_response("responses_text.json" if answered else "responses_tool_calls.json")

    client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    model = OpenAIResponsesModel("gpt-5", api_key="k", http_client=client, reasoning_effort="low")
    result = Agent(model=model, tools=[get_weather]).run_sync("Weather in Paris and Tokyo?")
    assert result.text == "The capital of France is Paris."
    outputs = [i for i in bodies[-1]["input"] if i.get("type") == "function_call_output"]
    assert sorted(o["output"] for o in outputs) == ["Paris: 18C", "Tokyo: 18C"]
    # the encrypted reasoning of turn 1 went back with turn 2
    assert any(i.get("type") == "reasoning" for i in bodies[-1]["input"])


def _text_sse(text: str) -> bytes:
    events = [
        {"type": "response.output_text.delta", "output_index": 0, "delta": text},
        {
            "type": "response.completed",
            "response": {"status": "completed", "output": [], "usage": None},
        },
    ]
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


def test_streamed_responses_reasoning_goes_back_after_a_checkpoint_reload(tmp_path: Path) -> None:
    """stream=True: the encrypted reasoning of the streamed tool turn is saved and sent back."""
    from locus.core.interrupt import interrupt
    from locus.openai import OpenAIResponsesModel

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city (asks a human first)."""
        return f"{city}: 18C" if interrupt({"city": city}) == "ok" else "refused"

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        if len(bodies) == 1:
            return fixture_response("responses_stream_reasoning.sse")
        return httpx.Response(
            200, content=_text_sse("Paris: 18C."), headers={"content-type": "text/event-stream"}
        )

    def agent() -> Any:
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        model = OpenAIResponsesModel(
            "gpt-5", api_key="k", http_client=client, reasoning_effort="low"
        )
        url = f"sqlite:///{tmp_path / 'threads.db'}"
        return Agent(model=model, tools=[get_weather], stream=True, checkpointer=url)

    paused = agent().run_sync("Weather in Paris?", thread_id="r-1")
    assert paused.stop_reason == "Interrupted(get_weather)"
    result = agent().resume_sync("r-1", answer="ok")  # fresh Agent + model: only the checkpoint
    assert result.message == "Paris: 18C."
    assert len(bodies) == 2
    assert all(b["stream"] is True for b in bodies)
    items = bodies[1]["input"]
    assert [i.get("type", i.get("role")) for i in items] == [
        "user",
        "reasoning",
        "function_call",
        "function_call_output",
    ]
    assert items[1]["encrypted_content"] == "gAAAAABo-stream-enc"
    assert items[3]["output"] == "Paris: 18C"
