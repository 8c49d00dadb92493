"""Pure units: the URL allow-list, JSON-schema tools, wire conversion."""

from __future__ import annotations

import mcp.types as mt
import pytest

from locus import tool
from locus.core.errors import ConfigError, ToolError, ToolValidationError, ValidationError
from locus.mcp import (
    MCPClient,
    MCPToolError,
    MCPURLNotAllowedError,
    check_url,
    is_private_address,
    locus_tool_to_mcp,
    mcp_tool_to_locus,
)
from locus.mcp._wire import result_value


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00::1",
        "0.0.0.0",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_private_addresses(address: str) -> None:
    assert is_private_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert not is_private_address(address)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/mcp",
        "https://[::1]:8443/mcp",
        "http://localhost:8000/mcp",
    ],
)
async def test_check_url_refuses_private_hosts(url: str) -> None:
    with pytest.raises(MCPURLNotAllowedError, match="allow_private_url=True"):
        await check_url(url)
    await check_url(url, allow_private=True)


async def test_check_url_refuses_other_schemes_and_unlisted_hosts() -> None:
    with pytest.raises(MCPURLNotAllowedError, match="http or https"):
        await check_url("file:///etc/passwd")
    with pytest.raises(MCPURLNotAllowedError, match="not in allowed_hosts"):
        await check_url("https://8.8.8.8/mcp", allowed_hosts={"mcp.example.com"})
    await check_url("https://8.8.8.8/mcp", allowed_hosts={"8.8.8.8"})


async def test_client_refuses_a_private_url_before_any_connection() -> None:
    client = MCPClient(base_url="http://169.254.169.254/mcp")
    with pytest.raises(MCPURLNotAllowedError):
        await client.connect()
    assert client.connections_opened == 0


def test_client_arguments() -> None:
    with pytest.raises(ConfigError, match="exactly one of"):
        MCPClient()
    with pytest.raises(ConfigError, match="exactly one of"):
        MCPClient("python s.py", base_url="https://x/mcp")
    assert MCPClient(base_url="https://x.example/sse").transport.name == "sse"
    assert MCPClient(base_url="https://x.example/mcp").transport.name == "streamable-http"
    client = MCPClient(base_url="https://x.example/mcp", access_token="t0k")
    assert client.transport.headers["Authorization"] == "Bearer t0k"
    assert MCPClient("python server.py --flag").transport.command == (
        "python",
        "server.py",
        "--flag",
    )
    secret = MCPClient(base_url="https://u:secret@x.example/mcp")
    assert repr(secret) == "MCPClient('https://x.example/mcp')"
    with pytest.raises(ValidationError, match="prefix"):
        MCPClient("python s.py", prefix="git hub")
    assert (
        MCPClient("python s.py", prefix="gh").tool_name("repos.search/v2") == "gh_repos_search_v2"
    )


async def test_mcp_tool_to_locus_validates_against_the_json_schema() -> None:
    async def search(query: str, limit: int = 5) -> list[str]:
        return [query] * limit

    made = mcp_tool_to_locus(
        "search",
        "Search things.",
        search,
        {
            "type": "object",
            "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "maximum": 3}},
            "required": ["query"],
            "additionalProperties": False,
        },
    )
    assert made.to_openai_schema()["function"]["parameters"]["required"] == ["query"]
    assert await made.execute(query="x", limit=2) == ["x", "x"]
    with pytest.raises(ToolValidationError, match="limit: 9 is greater than the maximum of 3"):
        await made.execute(query="x", limit=9)
    with pytest.raises(ToolValidationError, match="Additional properties"):
        await made.execute(query="x", other=1)
    with pytest.raises(ToolError, match="invalid JSON schema"):
        mcp_tool_to_locus("bad", "", search, {"type": "no-such-type"})


def test_locus_tool_to_mcp_carries_schema_and_idempotency() -> None:
    @tool(idempotent=True)
    def charge(customer: str, cents: int) -> str:
        """Charge a customer.

        Args:
            customer: Customer id.
            cents: Amount.
        """
        return "ok"

    wire = locus_tool_to_mcp(charge)
    assert wire["name"] == "charge"
    assert wire["description"] == "Charge a customer."
    assert wire["inputSchema"]["properties"]["customer"]["description"] == "Customer id."
    assert wire["annotations"] == {"idempotentHint": True}
    assert "annotations" not in locus_tool_to_mcp(tool(lambda_free))
    assert mt.Tool.model_validate(wire).annotations.idempotent_hint is True  # type: ignore[union-attr]


def lambda_free(x: int) -> int:
    """Identity."""
    return x


def test_result_values() -> None:
    text = mt.CallToolResult(
        content=[mt.TextContent(type="text", text="a"), mt.TextContent(type="text", text="b")]
    )
    assert result_value("s", "t", text) == "a\nb"
    structured = mt.CallToolResult(content=[], structured_content={"n": 1})
    assert result_value("s", "t", structured) == {"n": 1}
    image = mt.CallToolResult(
        content=[mt.ImageContent(type="image", data="aGVsbG8=", mime_type="image/png")]
    )
    assert result_value("s", "t", image) == "[image: image/png, 5 bytes]"
    failed = mt.CallToolResult(content=[mt.TextContent(type="text", text="nope")], is_error=True)
    with pytest.raises(MCPToolError, match="from tool 't': nope"):
        result_value("s", "t", failed)


def test_create_mcp_server_shapes_and_refusals() -> None:
    from locus import Agent
    from locus.mcp import create_mcp_server
    from locus.models import TestModel

    @tool
    def ping() -> str:
        """Ping."""
        return "pong"

    def pong() -> str:
        """A plain function becomes a tool."""
        return "ping"

    assert [t.name for t in create_mcp_server(ping).list_tools()] == ["ping"]
    assert [t.name for t in create_mcp_server([ping, pong]).list_tools()] == ["ping", "pong"]
    agent = Agent(model=TestModel(), tools=[ping], name="Ops Bot")
    served = create_mcp_server(agent, include_agent_tools=True)
    assert [t.name for t in served.list_tools()] == ["Ops_Bot", "ping"]
    with pytest.raises(ConfigError, match="nothing to serve"):
        create_mcp_server([])
    with pytest.raises(ConfigError, match="Two served tools are named 'ping'"):
        create_mcp_server([ping, ping])
