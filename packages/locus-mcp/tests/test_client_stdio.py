"""locus's MCPClient against a stdio server written with the official SDK (one process per module)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from mcp_testkit import script

from locus import Agent
from locus.core.errors import ConfigError, ToolValidationError
from locus.core.messages import ToolCall
from locus.mcp import MCPClient, MCPConnectionError, MCPTimeoutError, MCPTool, MCPToolError
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def client() -> AsyncIterator[MCPClient]:
    async with MCPClient(script("sdk_server.py"), timeout=10) as connected:
        yield connected


def tools_of(client: MCPClient) -> dict[str, MCPTool]:
    return {t.name: t for t in client.to_locus_tools()}


async def test_lists_tools_prompts_and_resources(client: MCPClient) -> None:
    names = [t.name for t in await client.list_tools()]
    assert {"add", "slow", "fail", "crash", "call_count"} <= set(names)
    prompts = await client.list_prompts()
    assert [p.name for p in prompts] == ["review"]
    rendered = await client.get_prompt("review", {"code": "x = 1"})
    assert "x = 1" in rendered.messages[0].content.text  # type: ignore[union-attr]
    resources = await client.list_resources()
    assert [str(r.uri) for r in resources] == ["config://settings"]
    read = await client.read_resource("config://settings")
    assert read.contents[0].text == '{"mode": "test"}'  # type: ignore[union-attr]


async def test_locus_tools_carry_the_server_schema_and_hints(client: MCPClient) -> None:
    tools = tools_of(client)
    add = tools["add"]
    assert add.description == "Add two integers."
    assert add.parameters["required"] == ["a", "b"]
    assert add.parameters["properties"]["a"]["type"] == "integer"
    assert tools["call_count"].annotations is not None
    assert tools["call_count"].annotations.idempotent_hint is True
    assert await add.execute(a=2, b=3) == {"result": 5}


async def test_arguments_are_validated_before_the_server_is_called(client: MCPClient) -> None:
    tools = tools_of(client)
    before = await tools["call_count"].execute(tool="add")
    with pytest.raises(ToolValidationError, match="'x' is not of type 'integer'"):
        await tools["add"].execute(a="x", b=1)
    with pytest.raises(ToolValidationError, match="'b' is a required property"):
        await tools["add"].execute(a=1)
    assert await tools["call_count"].execute(tool="add") == before  # the server never ran it


async def test_a_tool_error_raises_a_typed_error(client: MCPClient) -> None:
    with pytest.raises(MCPToolError, match="reported an error from tool 'fail'") as caught:
        await tools_of(client)["fail"].execute(reason="disk full")
    assert caught.value.kind == "mcp_tool_error"
    raw = await client.call_tool("fail", {"reason": "disk full"})
    assert raw.is_error


async def test_a_timeout_raises_and_the_connection_stays_usable(client: MCPClient) -> None:
    opened = client.connections_opened
    with pytest.raises(MCPTimeoutError, match=r"did not answer tools/call 'slow' within 0\.3s"):
        await client.call_tool("slow", {"seconds": 5}, timeout=0.3)
    assert await tools_of(client)["add"].execute(a=1, b=1) == {"result": 2}
    assert client.connections_opened == opened


async def test_agent_uses_mcp_tools_and_sees_failures_as_tool_errors(client: MCPClient) -> None:
    model = ScriptedModel(
        [
            [
                ToolCall(id="1", name="add", arguments={"a": 20, "b": 22}),
                ToolCall(id="2", name="add", arguments={"a": "twenty"}),
                ToolCall(id="3", name="fail", arguments={"reason": "quota exceeded"}),
            ],
            "The sum is 42.",
        ]
    )
    agent = Agent(model=model, tools=client.to_locus_tools())
    result = await agent.invoke("add 20 and 22")
    assert result.message == "The sum is 42."
    by_id = {run.tool_call_id: run for run in result.tool_executions}
    assert by_id["1"].error is None
    assert json.loads(by_id["1"].result) == {"result": 42}
    assert by_id["2"].error is not None
    assert "Invalid arguments for tool 'add'" in by_id["2"].error
    assert by_id["3"].error is not None
    assert "quota exceeded" in by_id["3"].error
    assert "MCPToolError" in by_id["3"].error


async def test_a_server_dying_mid_call_is_a_tool_error_then_the_client_reconnects(
    client: MCPClient,
) -> None:
    tools = tools_of(client)
    first_pid = await client.call_tool("pid")
    opened = client.connections_opened
    agent = Agent(
        model=ScriptedModel([[ToolCall(id="1", name="crash", arguments={})], "It crashed."]),
        tools=[tools["crash"]],
    )
    result = await agent.invoke("crash it")
    (crash,) = result.tool_executions
    assert crash.error is not None
    assert "MCPConnectionError" in crash.error
    assert "reconnects on the next call" in crash.error
    assert await tools["add"].execute(a=2, b=2) == {"result": 4}
    assert client.connections_opened == opened + 1
    assert (await client.call_tool("pid")).structured_content != first_pid.structured_content


async def test_server_progress_becomes_tool_progress_events(client: MCPClient) -> None:
    agent = Agent(
        model=ScriptedModel([[ToolCall(id="c", name="countdown", arguments={"steps": 3})], "ok"]),
        tools=client.to_locus_tools(),
    )
    async with run_context() as rid:
        result = await agent.invoke("count down")
    assert json.loads(result.tool_executions[0].result) == {"result": "liftoff"}
    progress = [
        (e.data["message"], e.data["fraction"], e.data["tool_name"])
        for e in get_event_bus().history(rid)
        if e.event_type == "agent.tool.progress"
    ]
    assert progress == [
        ("step 1 of 3", 1 / 3, "countdown"),
        ("step 2 of 3", 2 / 3, "countdown"),
        ("step 3 of 3", 1.0, "countdown"),
    ]


async def test_to_locus_tools_needs_a_connection() -> None:
    with pytest.raises(ConfigError, match=r"await client\.connect\(\)"):
        MCPClient(script("sdk_server.py")).to_locus_tools()


async def test_a_command_that_is_not_a_server_fails_to_connect() -> None:
    client = MCPClient(["/nonexistent/mcp-server"], connect_timeout=10)
    with pytest.raises(MCPConnectionError, match="Could not connect"):
        await client.connect()
