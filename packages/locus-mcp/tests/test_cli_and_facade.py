"""``locus mcp serve module:agent`` (through the plugin hook) and the ``locus.integrations`` façade."""

from __future__ import annotations

import subprocess

import pytest
from mcp_testkit import PY, SERVERS, free_port, http_server

import locus.mcp
from locus.mcp import MCPClient, MCPConnectionError
from locus.plugins import command_registry, integration_registry


def test_the_mcp_command_and_the_fastmcp_integration_are_registered() -> None:
    assert command_registry()["mcp"].plugin == "locus-mcp"
    assert integration_registry()["fastmcp"].plugin == "locus-mcp"


def test_the_original_import_paths_resolve_to_locus_mcp() -> None:
    from locus.integrations import LocusMCPServer, create_mcp_server, mcp_tool_to_locus
    from locus.integrations.fastmcp import MCPClient as FastMCPClient
    from locus.integrations.fastmcp import locus_tool_to_mcp

    assert FastMCPClient is locus.mcp.MCPClient
    assert LocusMCPServer is locus.mcp.LocusMCPServer
    assert create_mcp_server is locus.mcp.create_mcp_server
    assert mcp_tool_to_locus is locus.mcp.mcp_tool_to_locus
    assert locus_tool_to_mcp is locus.mcp.locus_tool_to_mcp


def test_serve_needs_module_colon_attribute() -> None:
    proc = subprocess.run(
        [PY, "-m", "locus.cli", "mcp", "serve", "no_colon_here"],
        capture_output=True,
        text=True,
        cwd=SERVERS,
    )
    assert proc.returncode != 0
    assert "expected module:attribute" in proc.stderr


async def test_locus_mcp_serve_runs_an_agent_over_stdio() -> None:
    command = [PY, "-m", "locus.cli", "mcp", "serve", "locus_server:agent"]
    async with MCPClient(command, cwd=SERVERS, timeout=30) as client:
        assert [t.name for t in await client.list_tools()] == ["concierge"]
        result = await client.call_tool("concierge", {"prompt": "Book TK-12 for 2"})
        assert not result.is_error
        assert result.content[0].text == "Booked TK-12 for 2 seats. Confirmation BK-TK-12-2."  # type: ignore[union-attr]


async def test_locus_mcp_serve_over_http_requires_the_bearer_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = free_port()
    command = [
        *("locus", "mcp", "serve", "locus_server:agent", "--transport", "streamable-http"),
        *("--port", str(port), "--token-env", "MCP_TEST_TOKEN"),
    ]
    monkeypatch.setenv("MCP_TEST_TOKEN", "open-sesame")
    url = f"http://127.0.0.1:{port}/mcp"
    with http_server([PY, "-m", "locus.cli", *command[1:]], port):
        async with MCPClient(
            base_url=url, access_token="open-sesame", allow_private_url=True
        ) as ok:
            result = await ok.call_tool("concierge", {"prompt": "Book TK-12 for 2"})
            assert result.content[0].text.startswith("Booked TK-12")  # type: ignore[union-attr]
        refused = MCPClient(base_url=url, access_token="wrong", allow_private_url=True)
        with pytest.raises(MCPConnectionError, match=r"refused the credentials \(HTTP 401\)"):
            await refused.connect()
