"""Recorded Ollama responses played through the OpenAI SDK's HTTP layer (httpx.MockTransport)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from locus.models.guard import override_allow_model_requests
from locus.testing.http import RecordedHTTP, SleepRecorder

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _allow_requests() -> Iterator[None]:
    with override_allow_model_requests(True):
        yield


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("OLLAMA_HOST", "OLLAMA_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def ollama() -> RecordedHTTP:
    return RecordedHTTP(FIXTURES)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fake_sleep(sleeps: list[float]) -> SleepRecorder:
    return SleepRecorder(sleeps)
