"""OCICohereModel against recorded OCI /actions/chat responses (COHERE api format)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from locus.core.errors import (
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
    ValidationError,
)
from locus.core.messages import Message, Role, ToolCall, ToolResult
from locus.models.failover import FailoverReason
from locus.models.guard import ModelRequestsForbiddenError, override_allow_model_requests
from locus.oci import OCICohereModel

COMPARTMENT = "ocid1.compartment.oc1..aaaatest"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather of a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "days": {"type": "integer"},
                "tags": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["city"],
        },
    },
}


@pytest.fixture
def make(
    oci_config_file: Path, recorder: Any, fake_sleep: Callable[[float], Any]
) -> Callable[..., OCICohereModel]:
    def _make(model: str = "cohere.command-r-plus", **kw: Any) -> OCICohereModel:
        return OCICohereModel(
            model,
            config_file=str(oci_config_file),
            compartment_id=COMPARTMENT,
            transport=recorder.transport(),
            sleep=fake_sleep,
            **kw,
        )

    return _make


async def test_text_completion_and_signed_request(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_text.json")
    model = make(temperature=0.2)
    result = await model.complete(
        [Message.system("Be brief."), Message.user("What is the capital of France?")]
    )
    assert result.text == "Paris is the capital of France."
    assert result.stop_reason == "stop"
    assert result.usage == {"prompt_tokens": 21, "completion_tokens": 8, "total_tokens": 29}
    assert result.model == "cohere.command-r-plus-08-2024"
    req = recorder.requests[0]
    assert (
        str(req.url)
        == "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/20231130/actions/chat"
    )
    assert req.headers["authorization"].startswith('Signature algorithm="rsa-sha256"')
    assert "x-content-sha256" in req.headers
    body = recorder.body()
    assert body["compartmentId"] == COMPARTMENT
    assert body["servingMode"] == {"servingType": "ON_DEMAND", "modelId": "cohere.command-r-plus"}
    chat = body["chatRequest"]
    assert chat["apiFormat"] == "COHERE"
    assert chat["message"] == "What is the capital of France?"
    assert chat["preambleOverride"] == "Be brief."
    assert chat["temperature"] == 0.2
    assert chat["isStream"] is False
    assert "chatHistory" not in chat


async def test_parallel_tool_calls_and_tool_schema(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_tool_calls.json")
    result = await make().complete([Message.user("Weather in Paris and Lyon?")], tools=[WEATHER])
    assert result.stop_reason == "tool_calls"
    assert [(c.name, c.arguments) for c in result.message.tool_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_weather", {"city": "Lyon"}),
    ]
    assert len({c.id for c in result.message.tool_calls}) == 2
    tool = recorder.body()["chatRequest"]["tools"][0]
    assert tool["name"] == "get_weather"
    assert tool["description"] == "Current weather of a city"
    defs = tool["parameterDefinitions"]
    assert defs["city"] == {"type": "str", "description": "City name", "isRequired": True}
    assert defs["days"]["type"] == "int"
    assert defs["days"]["isRequired"] is False
    assert defs["tags"]["type"] == "List[str]"


async def test_tool_results_round_trip(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_final.json")
    calls = [
        ToolCall(id="a", name="get_weather", arguments={"city": "Paris"}),
        ToolCall(id="b", name="get_weather", arguments={"city": "Lyon"}),
    ]
    history = [
        Message.user("Weather in Paris and Lyon?"),
        Message.assistant("Checking.", tool_calls=calls),
        Message.tool(ToolResult(tool_call_id="a", name="get_weather", content='{"temp_c": 18}')),
        Message.tool(ToolResult(tool_call_id="b", name="get_weather", content="21C")),
    ]
    result = await make().complete(history, tools=[WEATHER])
    assert result.text.startswith("It is 18°C")
    chat = recorder.body()["chatRequest"]
    assert chat["message"] == ""
    assert chat["chatHistory"] == [
        {"role": "USER", "message": "Weather in Paris and Lyon?"},
        {
            "role": "CHATBOT",
            "message": "Checking.",
            "toolCalls": [
                {"name": "get_weather", "parameters": {"city": "Paris"}},
                {"name": "get_weather", "parameters": {"city": "Lyon"}},
            ],
        },
    ]
    assert chat["toolResults"] == [
        {
            "call": {"name": "get_weather", "parameters": {"city": "Paris"}},
            "outputs": [{"temp_c": 18}],
        },
        {
            "call": {"name": "get_weather", "parameters": {"city": "Lyon"}},
            "outputs": [{"result": "21C"}],
        },
    ]


async def test_earlier_tool_turns_go_to_history(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_text.json")
    call = ToolCall(id="a", name="get_weather", arguments={"city": "Paris"})
    history = [
        Message.user("q1"),
        Message.assistant(None, tool_calls=[call]),
        Message.tool(ToolResult(tool_call_id="a", name="get_weather", content="sunny")),
        Message.assistant("It is sunny."),
        Message.user("and tomorrow?"),
    ]
    await make().complete(history)
    chat = recorder.body()["chatRequest"]
    assert chat["message"] == "and tomorrow?"
    assert [h["role"] for h in chat["chatHistory"]] == ["USER", "CHATBOT", "TOOL", "CHATBOT"]
    assert chat["chatHistory"][2]["toolResults"][0]["outputs"] == [{"result": "sunny"}]


async def test_structured_output_uses_native_json_schema(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_structured.json")
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "population": {"type": "integer"}},
    }
    result = await make().complete(
        [Message.user("Largest French city?")],
        response_format={"type": "json_schema", "json_schema": {"name": "City", "schema": schema}},
    )
    assert json.loads(result.text) == {"city": "Paris", "population": 2102650}
    assert recorder.body()["chatRequest"]["responseFormat"] == {
        "type": "JSON_OBJECT",
        "schema": schema,
    }


async def test_max_tokens_maps_to_length(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_max_tokens.json")
    result = await make().complete([Message.user("hi")], max_tokens=2, stop="\n")
    assert result.stop_reason == "length"
    chat = recorder.body()["chatRequest"]
    assert chat["maxTokens"] == 2
    assert chat["stopSequences"] == ["\n"]


async def test_stream_text(make: Any, recorder: Any) -> None:
    recorder.add("cohere_stream_text.sse")
    chunks = [c async for c in make().stream([Message.user("capital?")])]
    assert "".join(c.content or "" for c in chunks) == "Paris is the capital."
    final = chunks[-1]
    assert final.done
    assert final.stop_reason == "stop"
    assert final.usage == {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17}
    chat = recorder.body()["chatRequest"]
    assert chat["isStream"] is True
    assert chat["streamOptions"] == {"isIncludeUsage": True}


async def test_stream_tool_calls(make: Any, recorder: Any) -> None:
    recorder.add("cohere_stream_tools.sse")
    chunks = [c async for c in make().stream([Message.user("weather?")], tools=[WEATHER])]
    deltas = [c.tool_call_delta for c in chunks if c.tool_call_delta]
    assert [(d.index, d.name, json.loads(d.arguments_delta)) for d in deltas] == [
        (0, "get_weather", {"city": "Paris"}),
        (1, "get_weather", {"city": "Lyon"}),
    ]
    assert "".join(c.content or "" for c in chunks) == "I will check."
    assert chunks[-1].stop_reason == "tool_calls"


async def test_401_is_auth_error(make: Any, recorder: Any) -> None:
    recorder.add("error_401.json", 401, {"opc-request-id": "REQ1"})
    with pytest.raises(ModelAuthError) as info:
        await make().complete([Message.user("hi")])
    assert "NotAuthenticated" in str(info.value)
    assert "REQ1" in str(info.value)
    assert "Agent(model='test')" in str(info.value)
    assert len(recorder.requests) == 1


async def test_429_waits_retry_after(make: Any, recorder: Any, sleeps: list[float]) -> None:
    recorder.add("error_429.json", 429, {"retry-after": "7"}).add("cohere_chat_text.json")
    result = await make().complete([Message.user("hi")])
    assert result.text.startswith("Paris")
    assert sleeps == [7.0]


async def test_429_exhausted_is_throttled(make: Any, recorder: Any, sleeps: list[float]) -> None:
    for _ in range(2):
        recorder.add("error_429.json", 429, {"retry-after": "3"})
    with pytest.raises(ModelThrottledError) as info:
        await make(max_retries=1).complete([Message.user("hi")])
    assert info.value.retry_after == 3.0
    assert info.value.reason is FailoverReason.RATE_LIMIT


async def test_500_then_success(make: Any, recorder: Any, sleeps: list[float]) -> None:
    recorder.add("error_500.json", 500).add("cohere_chat_text.json")
    result = await make().complete([Message.user("hi")])
    assert result.text.startswith("Paris")
    assert len(sleeps) == 1
    assert len(recorder.requests) == 2


async def test_stream_open_retries_on_500(make: Any, recorder: Any, sleeps: list[float]) -> None:
    recorder.add("error_500.json", 500).add("cohere_stream_text.sse")
    chunks = [c async for c in make().stream([Message.user("hi")])]
    assert chunks[-1].done
    assert len(sleeps) == 1


async def test_malformed_bodies(make: Any, recorder: Any) -> None:
    recorder.add("malformed.html").add("cohere_no_response.json")
    model = make()
    with pytest.raises(ModelResponseError):
        await model.complete([Message.user("hi")])
    with pytest.raises(ModelResponseError, match="chatResponse"):
        await model.complete([Message.user("hi")])


async def test_guard_blocks_requests(make: Any, recorder: Any) -> None:
    model = make()
    with override_allow_model_requests(False), pytest.raises(ModelRequestsForbiddenError):
        await model.complete([Message.user("hi")])
    assert recorder.requests == []


async def test_dedicated_endpoint_serving_mode(make: Any, recorder: Any) -> None:
    recorder.add("cohere_chat_text.json")
    await make("ocid1.generativeaiendpoint.oc1.us-chicago-1.abc").complete([Message.user("hi")])
    assert recorder.body()["servingMode"] == {
        "servingType": "DEDICATED",
        "endpointId": "ocid1.generativeaiendpoint.oc1.us-chicago-1.abc",
    }


async def test_bad_input_is_rejected_before_sending(make: Any, recorder: Any) -> None:
    model = make()
    with pytest.raises(ValidationError, match="unknown option"):
        await model.complete([Message.user("hi")], bogus=1)
    with pytest.raises(ValidationError, match="text only"):
        await model.complete([Message.user("see", images=["https://x/y.png"])])
    with pytest.raises(ValidationError, match="must end with"):
        await model.complete([Message(role=Role.ASSISTANT, content="hi")])
    assert recorder.requests == []


def test_missing_credentials_say_how_to_go_offline(tmp_path: Path) -> None:
    with pytest.raises(ModelAuthError, match=r"Agent\(model='test'\)"):
        OCICohereModel(config_file=str(tmp_path / "missing"), compartment_id=COMPARTMENT)


async def test_connection_failure_is_retryable_model_error(
    oci_config_file: Path, fake_sleep: Any, sleeps: list[float]
) -> None:
    import httpx

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    model = OCICohereModel(
        config_file=str(oci_config_file),
        compartment_id=COMPARTMENT,
        transport=httpx.MockTransport(boom),
        sleep=fake_sleep,
        max_retries=2,
    )
    with pytest.raises(ModelError) as info:
        await model.complete([Message.user("hi")])
    assert info.value.reason is FailoverReason.CONNECTION
    assert len(sleeps) == 2
