"""Recorded-transport fixtures: the anthropic SDK sends through an httpx2.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest

from locus.models.guard import override_allow_model_requests

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _allow_requests() -> Iterator[None]:
    with override_allow_model_requests(True):
        yield


@pytest.fixture(autouse=True)
def _no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def fixture_response(
    name: str, status: int = 200, headers: dict[str, str] | None = None
) -> httpx2.Response:
    """An httpx2 response whose body is the fixture file ``name`` (or raw text)."""
    path = FIXTURES / name
    body = path.read_bytes() if path.exists() else name.encode()
    content_type = "text/event-stream" if name.endswith(".sse") else "application/json"
    return httpx2.Response(
        status, content=body, headers={"content-type": content_type, **(headers or {})}
    )


class Recorder:
    """Plays queued responses and records every request sent."""

    def __init__(self) -> None:
        self.queue: list[httpx2.Response] = []
        self.requests: list[httpx2.Request] = []

    def add(self, name: str, status: int = 200, headers: dict[str, str] | None = None) -> Recorder:
        self.queue.append(fixture_response(name, status, headers))
        return self

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if not self.queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.queue.pop(0)

    def client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self.handler))

    def body(self, index: int = -1) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.requests[index].content)
        return data


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fake_sleep(sleeps: list[float]) -> Callable[[float], Any]:
    async def _sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return _sleep
