"""MCP tools from synchronous code: ``asyncio.run(client.connect())`` then ``agent.run_sync``."""

from __future__ import annotations

import asyncio
import json

from mcp_testkit import script

from locus import Agent
from locus.core.messages import ToolCall
from locus.mcp import MCPClient
from locus.models import ScriptedModel


def test_tools_work_from_run_sync_after_connecting_in_another_loop() -> None:
    client = MCPClient(script("sdk_server.py"), timeout=10)
    asyncio.run(client.connect())  # that loop, and the server it started, are gone now
    tools = client.to_locus_tools()
    agent = Agent(
        model=ScriptedModel([[ToolCall(id="1", name="add", arguments={"a": 5, "b": 6})], "11"]),
        tools=tools,
    )
    result = agent.run_sync("add")
    assert json.loads(result.tool_executions[0].result) == {"result": 11}
    assert client.connections_opened == 2
    asyncio.run(client.close())
