"""An Agent with a tool runs a full loop against recorded OCI responses (Cohere and OpenAI-compatible)."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from locus.agent import Agent
from locus.oci import OCICohereModel, OCIOpenAIModel
from locus.testing.http import fixture_response as kit_fixture_response
from locus.tools.decorator import tool

FIXTURES = Path(__file__).parent / "fixtures"
COMPARTMENT = "ocid1.compartment.oc1..aaaatest"


_response = partial(kit_fixture_response, fixtures=FIXTURES, httpx_module=httpx)
"""A recorded fixture file as a 200 response (``.sse`` → ``text/event-stream``)."""


@pytest.mark.parametrize("stream", [False, True], ids=["complete", "stream"])
def test_agent_tool_loop_over_recorded_cohere(oci_config_file: Path, stream: bool) -> None:
    calls: list[str] = []

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        calls.append(city)
        return f"{city}: 20C"

    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"].startswith("Signature ")
        body = json.loads(request.content)
        bodies.append(body)
        chat = body["chatRequest"]
        if chat.get("toolResults"):
            return _response("cohere_stream_text.sse" if stream else "cohere_chat_final.json")
        return _response("cohere_stream_tools.sse" if stream else "cohere_chat_tool_calls.json")

    model = OCICohereModel(
        "cohere.command-r-plus",
        config_file=str(oci_config_file),
        compartment_id=COMPARTMENT,
        transport=httpx.MockTransport(handler),
    )
    agent = Agent(
        model=model, tools=[get_weather], system_prompt="Report the weather.", stream=stream
    )
    result = agent.run_sync("Weather in Paris and Lyon?")
    assert sorted(calls) == ["Lyon", "Paris"]
    assert result.text == (
        "Paris is the capital." if stream else "It is 18°C in Paris and 21°C in Lyon."
    )
    second = bodies[1]["chatRequest"]
    assert second["message"] == ""
    assert [r["call"]["parameters"]["city"] for r in second["toolResults"]] == ["Paris", "Lyon"]
    assert {json.dumps(r["outputs"]) for r in second["toolResults"]} == {
        json.dumps([{"result": "Paris: 20C"}]),
        json.dumps([{"result": "Lyon: 20C"}]),
    }
    assert second["preambleOverride"] == "Report the weather."


def test_agent_tool_loop_over_recorded_openai_compatible(oci_config_file: Path) -> None:
    calls: list[str] = []

    @tool
    def get_weather(city: str) -> str:
        """Current weather for a city."""
        calls.append(city)
        return f"{city}: 20C"

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        answered = any(m["role"] == "tool" for m in body["messages"])
        return _response("openai_chat_final.json" if answered else "openai_chat_tool_calls.json")

    model = OCIOpenAIModel(
        "openai.gpt-5.5",
        config_file=str(oci_config_file),
        compartment_id=COMPARTMENT,
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    result = Agent(model=model, tools=[get_weather]).run_sync("Weather in Paris and Lyon?")
    assert sorted(calls) == ["Lyon", "Paris"]
    assert result.text == "Paris 18C, Lyon 21C."
