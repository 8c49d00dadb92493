"""A server answering with results that are not valid MCP: typed errors, the connection survives."""

from __future__ import annotations

import pytest
from mcp_testkit import script

from locus import Agent
from locus.core.messages import ToolCall
from locus.mcp import MCPClient, MCPResultError
from locus.models import ScriptedModel


async def test_malformed_results_are_typed_errors_and_tool_errors_for_the_model() -> None:
    async with MCPClient(script("malformed_server.py"), timeout=10) as client:
        tools = {t.name: t for t in client.to_locus_tools()}
        with pytest.raises(MCPResultError, match="malformed answer to tools/call 'not_a_list'"):
            await tools["not_a_list"].execute()
        with pytest.raises(MCPResultError, match="malformed answer to tools/call 'bad_block'"):
            await tools["bad_block"].execute()
        assert await tools["good"].execute() == "fine"
        agent = Agent(
            model=ScriptedModel(
                [
                    [
                        ToolCall(id="1", name="not_a_list", arguments={}),
                        ToolCall(id="2", name="good", arguments={}),
                    ],
                    "done",
                ]
            ),
            tools=list(tools.values()),
        )
        result = await agent.invoke("go")
        by_id = {run.tool_call_id: run for run in result.tool_executions}
        assert by_id["1"].error is not None
        assert "MCPResultError" in by_id["1"].error
        assert by_id["2"].error is None
        assert by_id["2"].result == "fine"
        assert client.connections_opened == 1
