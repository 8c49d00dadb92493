"""Several MCP servers at once: prefixes keep tool names apart; collisions are refused."""

from __future__ import annotations

import pytest
from mcp_testkit import script

from locus import Agent
from locus.core.errors import ConfigError
from locus.core.messages import ToolCall
from locus.mcp import MCPClient, MCPClientGroup
from locus.models import ScriptedModel


async def test_two_servers_with_prefixes_serve_one_agent() -> None:
    group = MCPClientGroup(
        [
            MCPClient(script("sdk_server.py"), prefix="math"),
            MCPClient(script("malformed_server.py"), prefix="odd"),
        ]
    )
    async with group:
        tools = {t.name: t for t in group.to_locus_tools()}
        assert {"math_add", "math_slow", "odd_good", "odd_not_a_list"} <= set(tools)
        assert tools["math_add"].remote_name == "add"
        agent = Agent(
            model=ScriptedModel(
                [
                    [
                        ToolCall(id="1", name="math_add", arguments={"a": 1, "b": 2}),
                        ToolCall(id="2", name="odd_good", arguments={}),
                    ],
                    "ok",
                ]
            ),
            tools=list(tools.values()),
        )
        result = await agent.invoke("go")
        runs = {r.tool_call_id: r for r in result.tool_executions}
        assert runs["1"].result == '{"result": 3}'
        assert runs["2"].result == "fine"
    assert not group.clients[0].connected


async def test_colliding_names_without_prefixes_are_refused() -> None:
    async with MCPClientGroup(
        [MCPClient(script("malformed_server.py")), MCPClient(script("malformed_server.py"))]
    ) as group:
        with pytest.raises(ConfigError, match=r"offered by both .* give the clients prefixes"):
            group.to_locus_tools()


async def test_a_desktop_style_config_starts_every_server() -> None:
    command, *args = script("malformed_server.py")
    config = {
        "mcpServers": {
            "odd one": {"command": command, "args": args},
            "remote": {
                "url": "https://mcp.example.com/sse",
                "type": "sse",
                "headers": {"X-K": "v"},
            },
        }
    }
    group = MCPClientGroup.from_config(config, timeout=5)
    stdio, remote = group.clients
    assert (stdio.name, stdio.prefix, stdio.timeout) == ("odd one", "odd_one", 5)
    assert (remote.transport.name, remote.transport.headers["X-K"]) == ("sse", "v")
    async with MCPClientGroup([stdio]) as running:
        assert "odd_one_good" in {t.name for t in running.to_locus_tools()}
    with pytest.raises(ConfigError, match="needs 'command'"):
        MCPClientGroup.from_config({"broken": {"cmd": "x"}})
