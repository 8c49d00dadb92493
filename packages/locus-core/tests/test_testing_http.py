"""locus.testing.http: the recorded-HTTP kit provider plugins test with."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import httpx
import pytest

import locus.testing
from locus.testing.http import RecordedHTTP, SleepRecorder, fixture_response


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    (tmp_path / "chat.json").write_text('{"answer": 42}')
    (tmp_path / "stream.sse").write_text("data: one\n\ndata: [DONE]\n\n")
    return tmp_path


async def test_plays_queued_fixtures_in_order_and_records_requests(fixtures: Path) -> None:
    http = RecordedHTTP(fixtures)
    assert http.add("chat.json").add("stream.sse", 201, {"x-request-id": "r1"}) is http
    async with http.client() as client:
        first = await client.post("https://api.example/v1/chat", json={"model": "m1"})
        second = await client.post("https://api.example/v1/stream", json={"model": "m2"})
    assert first.status_code == 200
    assert first.json() == {"answer": 42}
    assert first.headers["content-type"] == "application/json"
    assert second.status_code == 201
    assert second.headers["content-type"] == "text/event-stream"
    assert second.headers["x-request-id"] == "r1"
    assert second.text == "data: one\n\ndata: [DONE]\n\n"
    assert [str(r.url) for r in http.requests] == [
        "https://api.example/v1/chat",
        "https://api.example/v1/stream",
    ]
    assert http.body() == {"model": "m2"}
    assert http.body(0) == {"model": "m1"}
    assert http.queue == []


async def test_an_unexpected_request_fails_loudly(fixtures: Path) -> None:
    http = RecordedHTTP(fixtures)
    async with http.client() as client:
        with pytest.raises(
            AssertionError, match=re.escape("unexpected request GET https://api.example/x")
        ):
            await client.get("https://api.example/x")
    assert len(http.requests) == 1


def test_body_without_requests_is_an_assertion_error() -> None:
    with pytest.raises(AssertionError, match="no request -1 recorded"):
        RecordedHTTP().body()


def test_headers_override_the_content_type(fixtures: Path) -> None:
    response = fixture_response(
        "chat.json", headers={"content-type": "text/html"}, fixtures=fixtures
    )
    assert response.headers["content-type"] == "text/html"


def test_a_missing_fixture_is_an_error_unless_not_strict(fixtures: Path) -> None:
    with pytest.raises(FileNotFoundError, match=re.escape("no fixture file 'nope.json'")):
        RecordedHTTP(fixtures).add("nope.json")
    lenient = RecordedHTTP(fixtures, strict=False).add('{"type": "error"}', 529)
    response = lenient.queue[0]
    assert response.status_code == 529
    assert response.json() == {"type": "error"}


def test_raw_bytes_and_json_data_bodies() -> None:
    http = RecordedHTTP().add(b"not json at all").add({"ok": True}).add([1, 2])
    assert [r.content for r in http.queue] == [b"not json at all", b'{"ok": true}', b"[1, 2]"]
    with pytest.raises(TypeError, match="got int"):
        fixture_response(3)  # type: ignore[arg-type]


def test_sync_client_and_transport(fixtures: Path) -> None:
    http = RecordedHTTP(fixtures).add("chat.json").add("chat.json")
    with http.sync_client(base_url="https://api.example") as client:
        assert client.get("/a").json() == {"answer": 42}
    with httpx.Client(transport=http.transport()) as client:
        assert client.get("https://api.example/b").status_code == 200
    assert [r.url.path for r in http.requests] == ["/a", "/b"]


def test_an_httpx_compatible_module_is_used_instead_of_httpx(fixtures: Path) -> None:
    built: list[tuple[str, Any]] = []

    class Response:
        def __init__(self, status: int, *, content: bytes, headers: dict[str, str]) -> None:
            built.append(("response", status))
            self.content = content

    class MockTransport:
        def __init__(self, handler: Any) -> None:
            built.append(("transport", handler))

    class AsyncClient:
        def __init__(self, *, transport: Any, **kwargs: Any) -> None:
            built.append(("client", kwargs))

    fork = types.SimpleNamespace(
        Response=Response, MockTransport=MockTransport, AsyncClient=AsyncClient
    )
    http = RecordedHTTP(fixtures, httpx_module=fork).add("chat.json")
    http.client(timeout=3)
    assert http.httpx is fork
    assert isinstance(http.queue[0], Response)
    assert [kind for kind, _ in built] == ["response", "transport", "client"]
    assert built[1][1] == http.handler
    assert built[2][1] == {"timeout": 3}


async def test_sleep_recorder_records_waits_into_a_shared_list() -> None:
    waits: list[float] = []
    sleep = SleepRecorder(waits)
    await sleep(1.5)
    await sleep(0.25)
    assert waits == [1.5, 0.25]
    assert sleep.waits is waits
    assert sleep.total == 1.75
    assert SleepRecorder().waits == []


def test_lazy_exports_from_locus_testing() -> None:
    assert locus.testing.RecordedHTTP is RecordedHTTP
    assert locus.testing.SleepRecorder is SleepRecorder
    assert locus.testing.fixture_response is fixture_response


def test_importing_the_kit_does_not_import_httpx() -> None:
    code = (
        "import sys, locus.testing, locus.testing.http\n"
        "from locus.testing import RecordedHTTP, SleepRecorder\n"
        "RecordedHTTP('fixtures')\n"
        "assert 'httpx' not in sys.modules, 'httpx imported eagerly'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
