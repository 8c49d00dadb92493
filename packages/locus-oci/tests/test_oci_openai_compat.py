"""OCIOpenAIModel / OCIResponsesModel: locus-openai's wire format through the openai SDK, OCI-signed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from locus.core.errors import ModelAuthError, ModelThrottledError
from locus.core.messages import Message
from locus.models import get_model
from locus.oci import OCICohereModel, OCIOpenAIModel, OCIResponsesModel

COMPARTMENT = "ocid1.compartment.oc1..aaaatest"
BASE = "https://inference.generativeai.us-chicago-1.oci.oraclecloud.com/openai/v1"
WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


@pytest.fixture
def opts(oci_config_file: Path, recorder: Any, fake_sleep: Any) -> dict[str, Any]:
    return {
        "config_file": str(oci_config_file),
        "compartment_id": COMPARTMENT,
        "http_client": httpx.AsyncClient(transport=recorder.transport()),
        "sleep": fake_sleep,
    }


async def test_chat_completion_is_signed_with_compartment_headers(
    opts: dict[str, Any], recorder: Any
) -> None:
    recorder.add("openai_chat_text.json")
    model = OCIOpenAIModel("openai.gpt-5.5", **opts)
    result = await model.complete(
        [Message.system("sys"), Message.user("hi", images=["data:image/png;base64,AAAA"])]
    )
    assert result.text == "Hello from OCI."
    assert result.stop_reason == "stop"
    assert result.usage["total_tokens"] == 15
    req = recorder.requests[0]
    assert str(req.url) == f"{BASE}/chat/completions"
    assert req.headers["authorization"].startswith(
        'Signature algorithm="rsa-sha256",headers="date (request-target) host content-length content-type x-content-sha256"'
    )
    assert req.headers["CompartmentId"] == COMPARTMENT
    assert req.headers["opc-compartment-id"] == COMPARTMENT
    body = recorder.body()
    assert body["model"] == "openai.gpt-5.5"
    assert body["messages"][0] == {"role": "system", "content": "sys"}
    assert body["messages"][1]["content"][1] == {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64,AAAA"},
    }


async def test_parallel_tool_calls_and_structured_output(
    opts: dict[str, Any], recorder: Any
) -> None:
    recorder.add("openai_chat_tool_calls.json").add("openai_chat_final.json")
    model = OCIOpenAIModel("xai.grok-4", **opts)
    first = await model.complete([Message.user("weather?")], tools=[WEATHER])
    assert first.stop_reason == "tool_calls"
    assert [c.arguments["city"] for c in first.message.tool_calls] == ["Paris", "Lyon"]
    assert recorder.body()["tools"] == [WEATHER]
    schema = {"name": "W", "schema": {"type": "object", "properties": {"x": {"type": "string"}}}}
    await model.complete(
        [Message.user("json")], response_format={"type": "json_schema", "json_schema": schema}
    )
    assert recorder.body()["response_format"] == {"type": "json_schema", "json_schema": schema}


async def test_stream(opts: dict[str, Any], recorder: Any) -> None:
    recorder.add("openai_chat_stream.sse")
    chunks = [
        c
        async for c in OCIOpenAIModel("meta.llama-3.3-70b-instruct", **opts).stream(
            [Message.user("hi")]
        )
    ]
    assert "".join(c.content or "" for c in chunks) == "Hello"
    assert chunks[-1].done
    assert chunks[-1].usage == {
        "prompt_tokens": 5,
        "completion_tokens": 2,
        "total_tokens": 7,
    }
    assert recorder.body()["stream"] is True


async def test_errors_and_retry_after(
    opts: dict[str, Any], recorder: Any, sleeps: list[float]
) -> None:
    recorder.add("error_429.json", 429, {"retry-after": "4"}).add("openai_chat_text.json")
    model = OCIOpenAIModel("openai.gpt-5.5", **opts)
    assert (await model.complete([Message.user("hi")])).text == "Hello from OCI."
    assert sleeps == [4.0]
    recorder.add("error_401.json", 401)
    with pytest.raises(ModelAuthError):
        await model.complete([Message.user("hi")])
    for _ in range(4):
        recorder.add("error_429.json", 429, {"retry-after": "1"})
    with pytest.raises(ModelThrottledError):
        await model.complete([Message.user("hi")])


async def test_responses_api(opts: dict[str, Any], recorder: Any) -> None:
    recorder.add("responses_text.json")
    model = OCIResponsesModel("openai.gpt-5.5", **opts)
    result = await model.complete([Message.user("hi")])
    assert result.text == "Hi via Responses."
    assert str(recorder.requests[0].url) == f"{BASE}/responses"
    assert recorder.body()["input"][0]["role"] == "user"
    assert recorder.requests[0].headers["authorization"].startswith("Signature ")


async def test_genai_api_key_uses_bearer(recorder: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OCI_REGION", "eu-frankfurt-1")
    recorder.add("openai_chat_text.json")
    model = OCIOpenAIModel(
        "openai.gpt-5.5",
        api_key="sk-oci",
        http_client=httpx.AsyncClient(transport=recorder.transport()),
    )
    await model.complete([Message.user("hi")])
    req = recorder.requests[0]
    assert req.headers["authorization"] == "Bearer sk-oci"
    assert str(req.url).startswith(
        "https://inference.generativeai.eu-frankfurt-1.oci.oraclecloud.com/openai/v1"
    )


def test_model_strings_resolve_through_the_plugin(
    oci_config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OCI_CONFIG_FILE", str(oci_config_file))
    assert isinstance(get_model("oci:openai.gpt-5.5"), OCIOpenAIModel)
    assert isinstance(get_model("oci:xai.grok-4"), OCIOpenAIModel)
    assert type(get_model("oci:responses/openai.gpt-5.5")) is OCIResponsesModel
    cohere = get_model("oci:cohere.command-r-plus")
    assert isinstance(cohere, OCICohereModel)
    assert cohere.compartment_id.startswith("ocid1.tenancy")
    assert isinstance(get_model("oci:ocid1.generativeaiendpoint.oc1.x"), OCICohereModel)


def test_import_is_light() -> None:
    import subprocess
    import sys

    code = "import sys, locus.oci, locus.oci._plugin; print(any(m in sys.modules for m in ('oci', 'openai', 'cryptography', 'httpx')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_body_hash_matches_what_was_sent(opts: dict[str, Any], recorder: Any) -> None:
    import asyncio
    import base64
    import hashlib

    recorder.add("openai_chat_text.json")
    asyncio.run(OCIOpenAIModel("openai.gpt-5.5", **opts).complete([Message.user("hash me")]))
    req = recorder.requests[0]
    assert (
        req.headers["x-content-sha256"]
        == base64.b64encode(hashlib.sha256(req.content).digest()).decode()
    )
    assert json.loads(req.content)["messages"][0]["content"] == "hash me"
