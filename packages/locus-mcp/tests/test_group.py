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
