"""Recorded Ollama responses played through the OpenAI SDK's HTTP layer (httpx.MockTransport)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from locus.models.guard import override_allow_model_requests

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _allow_requests() -> Iterator[None]:
    with override_allow_model_requests(True):
        yield


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OLLAMA_HOST", "OLLAMA_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


class OllamaRecorder:
    """Plays queued fixture bodies and records the requests."""

    def __init__(self) -> None:
        self.queue: list[httpx.Response] = []
        self.requests: list[httpx.Request] = []

    def add(self, name: str, status: int = 200, headers: dict[str, str] | None = None) -> None:
        kind = "text/event-stream" if name.endswith(".sse") else "application/json"
        body = (FIXTURES / name).read_bytes()
        self.queue.append(
            httpx.Response(status, content=body, headers={"content-type": kind, **(headers or {})})
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.queue.pop(0)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler))

    def body(self, index: int = -1) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.requests[index].content)
        return data


@pytest.fixture
def ollama() -> OllamaRecorder:
    return OllamaRecorder()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fake_sleep(sleeps: list[float]) -> Callable[[float], Any]:
    async def _sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return _sleep
