"""OllamaModel against recorded Ollama (OpenAI-compatible) responses."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import httpx
import pytest

from locus.core.errors import ModelAuthError, ModelError, ModelResponseError, ModelThrottledError
from locus.core.messages import Message
from locus.models import get_model
from locus.models.failover import FailoverReason
from locus.models.guard import ModelRequestsForbiddenError, override_allow_model_requests
from locus.ollama import OllamaEmbeddings, OllamaModel, ollama_base_url

TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def make(ollama: Any, **kwargs: Any) -> OllamaModel:
    return OllamaModel("llama3.2", http_client=ollama.client(), **kwargs)


async def test_text_without_a_key_at_the_default_host(ollama: Any) -> None:
    ollama.add("ollama_chat.json")
    response = await make(ollama, max_tokens=64).complete([Message.user("Why is the sky blue?")])
    assert response.text == "The sky is blue because of Rayleigh scattering."
    assert response.stop_reason == "stop"
    assert response.usage == {"prompt_tokens": 31, "completion_tokens": 12, "total_tokens": 43}
    request = ollama.requests[0]
    assert str(request.url) == "http://localhost:11434/v1/chat/completions"
    assert "openai-organization" not in request.headers
    assert ollama.body() == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Why is the sky blue?"}],
        "max_tokens": 64,
    }


async def test_tool_calls_with_stop_finish_reason_are_normalised(ollama: Any) -> None:
    ollama.add("ollama_tool_calls.json")
    response = await make(ollama).complete([Message.user("weather?")], tools=[TOOL])
    assert response.stop_reason == "tool_calls"
    assert [(c.id, c.arguments) for c in response.message.tool_calls] == [
        ("call_8gd3yb2p", {"city": "Paris"}),
        ("call_o1r4ae7k", {"city": "Tokyo"}),
    ]
    assert ollama.body()["tools"] == [TOOL]


async def test_thinking_model_reasoning_and_structured_output(ollama: Any) -> None:
    ollama.add("ollama_thinking.json")
    fmt = {"type": "json_schema", "json_schema": {"name": "Answer", "schema": {"type": "object"}}}
    model = OllamaModel("qwen3:8b", http_client=ollama.client(), reasoning_effort="low")
    response = await model.complete([Message.user("2+2?")], response_format=fmt)
    assert json.loads(response.text) == {"answer": 4}
    assert response.message.reasoning == "2 plus 2 is 4."
    assert ollama.body()["response_format"] == fmt
    assert ollama.body()["reasoning_effort"] == "low"


async def test_stream_text(ollama: Any) -> None:
    ollama.add("ollama_stream.sse")
    chunks = [c async for c in make(ollama).stream([Message.user("hi")])]
    assert "".join(c.content or "" for c in chunks) == "Hello!"
    assert chunks[-1].done
    assert chunks[-1].stop_reason == "stop"
    assert chunks[-1].usage == {"prompt_tokens": 26, "completion_tokens": 3, "total_tokens": 29}
    assert ollama.body()["stream_options"] == {"include_usage": True}


async def test_stream_parallel_tool_calls(ollama: Any) -> None:
    ollama.add("ollama_stream_tools.sse")
    chunks = [c async for c in make(ollama).stream([Message.user("weather")], tools=[TOOL])]
    deltas = [c.tool_call_delta for c in chunks if c.tool_call_delta]
    assert [(d.index, d.id, d.name, d.arguments_delta) for d in deltas] == [
        (0, "call_x1", "get_weather", '{"city":"Paris"}'),
        (1, "call_x2", "get_weather", '{"city":"Tokyo"}'),
    ]
    assert chunks[-1].stop_reason == "tool_calls"


async def test_missing_model_says_ollama_pull(ollama: Any, fake_sleep: Any) -> None:
    ollama.add("ollama_not_found.json", status=404)
    with pytest.raises(ModelError, match=r"ollama pull llama3\.2") as info:
        await make(ollama, sleep=fake_sleep).complete([Message.user("hi")])
    assert info.value.reason is FailoverReason.BAD_REQUEST
    assert len(ollama.requests) == 1


async def test_busy_server_is_retried(ollama: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    ollama.add("ollama_overloaded.json", status=503)
    ollama.add("ollama_chat.json")
    response = await make(ollama, sleep=fake_sleep).complete([Message.user("hi")])
    assert response.text
    assert len(sleeps) == 1


async def test_429_honours_retry_after(ollama: Any, fake_sleep: Any, sleeps: list[float]) -> None:
    ollama.add("ollama_overloaded.json", status=429, headers={"Retry-After": "4"})
    ollama.add("ollama_chat.json")
    await make(ollama, sleep=fake_sleep).complete([Message.user("hi")])
    assert sleeps == [4.0]


async def test_429_exhausted(ollama: Any, fake_sleep: Any) -> None:
    for _ in range(2):
        ollama.add("ollama_overloaded.json", status=429, headers={"Retry-After": "1"})
    with pytest.raises(ModelThrottledError):
        await make(ollama, sleep=fake_sleep, max_retries=1).complete([Message.user("hi")])


async def test_proxy_401_is_auth_error(ollama: Any) -> None:
    ollama.add("ollama_not_found.json", status=401)
    with pytest.raises(ModelAuthError):
        await make(ollama).complete([Message.user("hi")])


async def test_malformed_body(ollama: Any) -> None:
    ollama.add("ollama_garbage.txt")
    with pytest.raises(ModelResponseError):
        await make(ollama).complete([Message.user("hi")])


async def test_connection_refused_says_ollama_serve(fake_sleep: Any, sleeps: list[float]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(refuse))
    model = OllamaModel("llama3.2", http_client=client, sleep=fake_sleep, max_retries=1)
    with pytest.raises(ModelError, match="ollama serve") as info:
        await model.complete([Message.user("hi")])
    assert info.value.reason is FailoverReason.CONNECTION
    assert len(sleeps) == 1


async def test_guard_blocks_requests(ollama: Any) -> None:
    with override_allow_model_requests(False), pytest.raises(ModelRequestsForbiddenError):
        await make(ollama).complete([Message.user("hi")])
    assert ollama.requests == []


async def test_ollama_host_env_is_honoured(ollama: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.5:8080")
    ollama.add("ollama_chat.json")
    await make(ollama).complete([Message.user("hi")])
    assert str(ollama.requests[0].url) == "http://10.0.0.5:8080/v1/chat/completions"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", "http://localhost:11434/v1"),
        ("0.0.0.0:9999", "http://0.0.0.0:9999/v1"),
        ("https://ollama.example.com", "https://ollama.example.com/v1"),
        ("http://gpu-box:11434/", "http://gpu-box:11434/v1"),
        ("http://gpu-box:11434/v1", "http://gpu-box:11434/v1"),
    ],
)
def test_base_url_from_host(host: str, expected: str) -> None:
    assert ollama_base_url(host) == expected


def test_model_string_resolves() -> None:
    model = get_model("ollama:qwen3:8b", host="box:1")
    assert isinstance(model, OllamaModel)
    assert model.model == "qwen3:8b"
    assert model.base_url == "http://box:1/v1"


async def test_embeddings(ollama: Any) -> None:
    ollama.add("ollama_embeddings.json")
    embedder = OllamaEmbeddings(http_client=ollama.client())
    assert await embedder.embed(["hello"]) == [[0.1, 0.2, 0.3]]
    assert str(ollama.requests[0].url) == "http://localhost:11434/v1/embeddings"
    assert ollama.body()["model"] == "nomic-embed-text"


def test_import_is_light() -> None:
    code = "import sys, locus.ollama, locus.ollama._plugin\nassert 'openai' not in sys.modules\n"
    subprocess.run([sys.executable, "-c", code], check=True)
