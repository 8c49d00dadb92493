"""locus.providers: HTTPXWebFetcher against a real local HTTP server; the address guard; tools."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from locus import Agent
from locus.core.errors import ValidationError
from locus.core.messages import Message, Role, ToolCall
from locus.models import FunctionModel
from locus.observability import get_event_bus, run_context
from locus.providers import (
    HTTPXWebFetcher,
    SearchResult,
    WebFetchError,
    html_to_text,
    make_web_fetch_tool,
    make_web_search_tool,
)

PAGE = b"""<!doctype html><html><head><title>Release  notes</title>
<style>body { color: red }</style><script>alert('x')</script></head>
<body><h1>Version 2</h1><p>Faster&nbsp;runs &amp; fewer bugs.</p><ul><li>one</li><li>two</li></ul>
</body></html>"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(body)  # the time-out test's client gives up first

    def do_GET(self) -> None:
        if self.path == "/page":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/big":
            self._send(200, b"x" * 5000, "text/plain")
        elif self.path == "/redirect":
            self._send(302, b"", "text/plain", Location="/page")
        elif self.path == "/loop":
            self._send(302, b"", "text/plain", Location="/loop")
        elif self.path == "/slow":
            time.sleep(1.5)
            self._send(200, b"late", "text/plain")
        else:
            self._send(404, b"nope", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def local(**options: Any) -> HTTPXWebFetcher:
    return HTTPXWebFetcher(allow_private=True, **options)


async def test_html_page_becomes_text(server: str) -> None:
    async with run_context() as rid:
        page = await local(keep_html=True).fetch(f"{server}/redirect")
    assert page.url == f"{server}/page"
    assert page.status == 200
    assert page.title == "Release notes"
    assert page.text == "Version 2\nFaster\xa0runs & fewer bugs.\none\ntwo"
    assert page.html is not None
    assert "<script>" in page.html
    assert not page.truncated
    fetched = [e.data for e in get_event_bus().history(rid) if e.event_type == "agent.web.fetched"]
    assert fetched == [
        {"url": page.url, "status": 200, "chars": len(page.text), "truncated": False}
    ]


async def test_oversized_page_is_cut_and_marked(server: str) -> None:
    page = await local(max_bytes=1000).fetch(f"{server}/big")
    assert page.truncated
    assert page.text == "x" * 1000


async def test_private_addresses_are_refused_by_default(server: str) -> None:
    for url in (f"{server}/page", "http://localhost:9/", "http://[::1]:9/"):
        with pytest.raises(WebFetchError, match="non-public address") as info:
            await HTTPXWebFetcher().fetch(url)
        assert info.value.reason == "private_address"
        assert info.value.kind == "web_fetch"


async def test_a_redirect_to_a_private_address_is_refused() -> None:
    addresses = {"public.example": ["93.184.216.34"], "metadata.example": ["169.254.169.254"]}
    requested: list[str] = []

    async def resolve(host: str) -> list[str]:
        return addresses[host]

    def handler(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(302, headers={"Location": "http://metadata.example/latest"})

    fetcher = HTTPXWebFetcher(transport=httpx.MockTransport(handler), resolver=resolve)
    with pytest.raises(WebFetchError, match=r"169\.254\.169\.254") as info:
        await fetcher.fetch("http://public.example/")
    assert info.value.reason == "private_address"
    assert requested == ["http://public.example/"]  # the private hop was never requested


async def test_http_errors_redirect_loops_timeouts_and_bad_urls(server: str) -> None:
    with pytest.raises(WebFetchError, match="HTTP 404") as info:
        await local().fetch(f"{server}/missing")
    assert info.value.reason == "http_error"
    with pytest.raises(WebFetchError, match="more than 5 redirects"):
        await local().fetch(f"{server}/loop")
    with pytest.raises(WebFetchError) as slow:
        await local(timeout_seconds=0.3).fetch(f"{server}/slow")
    assert slow.value.reason == "timeout"
    for url in ("file:///etc/passwd", "ftp://example.com/x", "http:///nohost"):
        with pytest.raises(WebFetchError, match="only http") as bad:
            await HTTPXWebFetcher().fetch(url)
        assert bad.value.reason == "bad_url"
    with pytest.raises(ValidationError, match="max_bytes"):
        HTTPXWebFetcher(max_bytes=0)


def test_html_to_text_drops_scripts_and_keeps_blocks() -> None:
    title, text = html_to_text("<title>T</title><div>a<script>x()</script></div><p>b  c</p>")
    assert title == "T"
    assert text == "a\nb c"


class StaticSearch:
    """A pluggable search backend: any object with async search()."""

    async def search(self, query: str, *, max_results: int = 5) -> list[SearchResult]:
        hits = [SearchResult(title=f"{query} {i}", url=f"https://e.example/{i}") for i in range(9)]
        return hits[:max_results]


async def test_tools_in_an_agent(server: str) -> None:
    def model(messages: list[Message], tools: Any) -> Any:
        done = [m for m in messages if m.role == Role.TOOL]
        if not done:
            return [
                ToolCall(id="s", name="web_search", arguments={"query": "locus", "max_results": 2}),
                ToolCall(id="f", name="web_fetch", arguments={"url": f"{server}/page"}),
            ]
        return "done"

    tools = [make_web_search_tool(StaticSearch()), make_web_fetch_tool(local(), max_chars=12)]
    result = await Agent(FunctionModel(model), tools=tools).invoke("look it up")
    search, fetch = result.tool_executions
    assert search.result == (
        "1. locus 0\n   https://e.example/0\n   \n2. locus 1\n   https://e.example/1\n   "
    )
    assert fetch.result == "# Release notes\n\nVersion 2\nFa\n\n[page truncated]"
    with pytest.raises(ValidationError, match="search"):
        make_web_search_tool(object())  # type: ignore[arg-type]


def test_auto_register_and_original_module_paths() -> None:
    from locus.providers.tools import auto_register
    from locus.providers.web_fetch import HTTPXWebFetcher as Fetcher
    from locus.tools.registry import ToolRegistry

    registry = ToolRegistry()
    names = auto_register(tool_registry=registry, web_search=StaticSearch(), web_fetch=Fetcher())
    assert names == ["web_search", "web_fetch"]
    assert sorted(t.name for t in registry.list_tools()) == ["web_fetch", "web_search"]
    with pytest.raises(ValidationError, match="register"):
        auto_register(tool_registry=object())
