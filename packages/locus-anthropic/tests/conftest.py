"""Recorded-transport fixtures: the anthropic SDK sends through an httpx2.MockTransport."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from locus.models.guard import override_allow_model_requests
from locus.testing.http import RecordedHTTP, SleepRecorder

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _allow_requests() -> Iterator[None]:
    with override_allow_model_requests(True):
        yield


@pytest.fixture(autouse=True)
def _no_env_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def recorder() -> RecordedHTTP:
    # the anthropic SDK uses its httpx fork; a name that is no fixture file is a raw body
    return RecordedHTTP(FIXTURES, httpx_module=httpx2, strict=False)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def fake_sleep(sleeps: list[float]) -> SleepRecorder:
    return SleepRecorder(sleeps)
