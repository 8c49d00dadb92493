"""The official MCP SDK client against LocusMCPServer (stdio subprocess and Streamable HTTP)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack
from typing import Any

import httpx2
import pytest
import pytest_asyncio
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp_testkit import PY, SERVERS, free_port, http_server, owned_session

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def http_url() -> Iterator[str]:
    port = free_port()
    with http_server([PY, str(SERVERS / "locus_server.py"), "http", str(port)], port):
        yield f"http://127.0.0.1:{port}/mcp"


@pytest_asyncio.fixture(loop_scope="module", scope="module", params=["stdio", "http"])
async def session(request: pytest.FixtureRequest) -> AsyncIterator[ClientSession]:
    url = request.getfixturevalue("http_url") if request.param == "http" else ""

    async def open_streams(stack: AsyncExitStack) -> tuple[Any, Any]:
        if not url:
            params = StdioServerParameters(command=PY, args=[str(SERVERS / "locus_server.py")])
            return await stack.enter_async_context(stdio_client(params))
        http = await stack.enter_async_context(httpx2.AsyncClient())
        return await stack.enter_async_context(streamable_http_client(url, http_client=http))

    async with owned_session(open_streams) as client:
        yield client


async def test_tools_are_listed_with_schema_description_and_idempotency(
    session: ClientSession,
) -> None:
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == {"concierge", "slow_state", "divide", "export", "book_flight", "wait_for"}
    book = tools["book_flight"]
    assert book.description == "Book seats on a flight."
    assert book.input_schema["required"] == ["flight_id"]
    assert book.input_schema["properties"]["flight_id"]["description"] == "The flight, e.g. TK-12."
    assert book.annotations is not None
    assert book.annotations.idempotent_hint is True
    assert tools["divide"].annotations is None
    assert tools["concierge"].description == "A travel concierge that books flights."
    assert tools["concierge"].input_schema["required"] == ["prompt"]


async def test_a_tool_call_returns_text_and_structured_content(session: ClientSession) -> None:
    result = await session.call_tool("book_flight", {"flight_id": "TK-12", "seats": 2})
    assert not result.is_error
    expected = {"flight_id": "TK-12", "seats": 2, "confirmation": "BK-TK-12-2"}
    assert result.structured_content == expected
    assert "BK-TK-12-2" in result.content[0].text  # type: ignore[union-attr]


async def test_bad_arguments_and_failures_are_error_results(session: ClientSession) -> None:
    invalid = await session.call_tool("book_flight", {"seats": "many"})
    assert invalid.is_error
    assert "Invalid arguments for tool 'book_flight'" in invalid.content[0].text  # type: ignore[union-attr]
    failed = await session.call_tool("divide", {"a": 1, "b": 0})
    assert failed.is_error
    assert "ZeroDivisionError" in failed.content[0].text  # type: ignore[union-attr]
    unknown = await session.call_tool("nope", {})
    assert unknown.is_error
    assert "Available tools" in unknown.content[0].text


async def test_an_agent_run_reports_progress(session: ClientSession) -> None:
    seen: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, message))

    result = await session.call_tool(
        "concierge", {"prompt": "Book TK-12 for 2"}, progress_callback=on_progress
    )
    assert not result.is_error
    assert result.content[0].text == "Booked TK-12 for 2 seats. Confirmation BK-TK-12-2."  # type: ignore[union-attr]
    messages = [m for _, m in seen]
    assert messages[:3] == [
        "iteration 1: calling book_flight",
        "tool book_flight started",
        "tool book_flight done",
    ]
    assert messages[-1] == "iteration 3: answering"
    assert [p for p, _ in seen] == sorted(p for p, _ in seen)


async def test_a_tools_own_progress_reaches_the_client(session: ClientSession) -> None:
    seen: list[str | None] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append(message)

    result = await session.call_tool("export", {"rows": 3}, progress_callback=on_progress)
    assert result.content[0].text == "exported 3"  # type: ignore[union-attr]
    assert seen == ["half way (50%)", "written"]


async def test_an_agent_call_with_a_bad_prompt_is_an_error_result(session: ClientSession) -> None:
    result = await session.call_tool("concierge", {"prompt": ""})
    assert result.is_error
    assert "non-empty string 'prompt'" in result.content[0].text


async def cancel_when_running(session: ClientSession, call: asyncio.Future[object]) -> str:
    """Cancel ``call`` once ``wait_for`` runs on the server; what ``wait_for`` then reports."""
    for _ in range(200):
        state = await session.call_tool("slow_state", {})
        if state.content[0].text == "running":  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.05)
    call.cancel()  # the SDK sends notifications/cancelled
    with pytest.raises(asyncio.CancelledError):
        await call
    for _ in range(200):
        state = await session.call_tool("slow_state", {})
        if state.content[0].text != "running":  # type: ignore[union-attr]
            break
        await asyncio.sleep(0.05)
    return state.content[0].text  # type: ignore[union-attr,no-any-return]


async def test_cancelling_a_call_cancels_the_tool(session: ClientSession) -> None:
    call = asyncio.ensure_future(session.call_tool("wait_for", {"seconds": 30}))
    assert await cancel_when_running(session, call) == "cancelled"


async def test_cancelling_an_agent_call_cancels_the_run_and_its_tool(
    session: ClientSession,
) -> None:
    call = asyncio.ensure_future(session.call_tool("concierge", {"prompt": "wait 30"}))
    assert await cancel_when_running(session, call) == "cancelled"
    after = await session.call_tool("concierge", {"prompt": "wait 0.01"})
    assert after.content[0].text == "waited"  # type: ignore[union-attr]
