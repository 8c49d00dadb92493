"""locus's MCPClient against HTTP servers written with the official SDK (Streamable HTTP and SSE)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp_testkit import free_port, http_server, script

from locus import Agent
from locus.core.messages import ToolCall
from locus.mcp import MCPClient, MCPConnectionError, MCPURLNotAllowedError
from locus.models import ScriptedModel


@pytest.fixture(scope="module")
def sse_url() -> Iterator[str]:
    port = free_port()
    with http_server([*script("sdk_server.py"), "sse", str(port)], port):
        yield f"http://127.0.0.1:{port}/sse"


async def test_streamable_http_with_a_bearer_token(sdk_http: str) -> None:
    async with MCPClient(
        base_url=sdk_http, access_token="s3cret", allow_private_url=True
    ) as client:
        assert client.transport.name == "streamable-http"
        tools = {t.name: t for t in client.to_locus_tools()}
        assert await tools["add"].execute(a=40, b=2) == {"result": 42}
        assert [p.name for p in await client.list_prompts()] == ["review"]


async def test_a_wrong_bearer_token_is_refused(sdk_http: str) -> None:
    client = MCPClient(base_url=sdk_http, access_token="wrong", allow_private_url=True)
    with pytest.raises(MCPConnectionError, match=r"refused the credentials \(HTTP 401\)"):
        await client.connect()


async def test_sse_transport(sse_url: str) -> None:
    async with MCPClient(base_url=sse_url, allow_private_url=True) as client:
        assert client.transport.name == "sse"
        tools = {t.name: t for t in client.to_locus_tools()}
        assert await tools["add"].execute(a=1, b=2) == {"result": 3}
        read = await client.read_resource("config://settings")
        assert read.contents[0].text == '{"mode": "test"}'  # type: ignore[union-attr]


async def test_loopback_is_refused_unless_allowed(sdk_http: str) -> None:
    with pytest.raises(MCPURLNotAllowedError, match="allow_private_url=True") as caught:
        await MCPClient(base_url=sdk_http, access_token="s3cret").connect()
    assert caught.value.kind == "mcp_url_not_allowed"


async def test_an_http_server_dying_mid_call_then_coming_back() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    command = [*script("sdk_server.py"), "http", str(port)]
    client = MCPClient(base_url=url, allow_private_url=True, timeout=20)
    try:
        with http_server(command, port):
            await client.connect()
            tools = {t.name: t for t in client.to_locus_tools()}
            agent = Agent(
                model=ScriptedModel([[ToolCall(id="1", name="crash", arguments={})], "gone"]),
                tools=[tools["crash"]],
            )
            result = await agent.invoke("crash")
            (crash,) = result.tool_executions
            assert crash.error is not None
            assert "MCPConnectionError" in crash.error
        with http_server(command, port):
            assert await tools["add"].execute(a=3, b=4) == {"result": 7}
            assert client.connections_opened == 2
    finally:
        await client.close()


async def test_an_http_server_restarted_between_calls_gets_a_new_session() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/mcp"
    command = [*script("sdk_server.py"), "http", str(port)]
    client = MCPClient(base_url=url, allow_private_url=True, timeout=20)
    try:
        with http_server(command, port):
            await client.connect()
            first = await client.call_tool("pid")
        with http_server(command, port):  # the new process does not know the old session
            tools = {t.name: t for t in client.to_locus_tools()}
            assert await tools["add"].execute(a=2, b=2) == {"result": 4}
            assert (await client.call_tool("pid")).structured_content != first.structured_content
            assert client.connections_opened == 2
    finally:
        await client.close()
