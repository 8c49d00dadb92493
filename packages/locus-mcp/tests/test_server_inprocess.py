"""LocusMCPServer driven in-process by the official SDK's ``Client`` (no subprocess)."""

from __future__ import annotations

from mcp import Client

from locus import Agent
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.messages import Message, Role
from locus.mcp import create_mcp_server
from locus.models import FunctionModel


def count_user_turns(messages: list[Message], tools: object) -> str:
    """Answers with how many user messages the thread holds."""
    return f"user turns: {sum(m.role is Role.USER for m in messages)}"


async def test_thread_id_continues_a_conversation_across_calls() -> None:
    agent = Agent(
        model=FunctionModel(count_user_turns), checkpointer=MemoryCheckpointer(), name="memo"
    )
    server = create_mcp_server(agent)
    async with Client(server.server) as client:
        first = await client.call_tool("memo", {"prompt": "hello", "thread_id": "t-1"})
        second = await client.call_tool("memo", {"prompt": "again", "thread_id": "t-1"})
        other = await client.call_tool("memo", {"prompt": "new", "thread_id": "t-2"})
        fresh = await client.call_tool("memo", {"prompt": "no thread"})
    texts = [r.content[0].text for r in (first, second, other, fresh)]  # type: ignore[union-attr]
    assert texts == ["user turns: 1", "user turns: 2", "user turns: 1", "user turns: 1"]


async def test_an_agent_error_is_an_error_result() -> None:
    def broken(messages: list[Message], tools: object) -> str:
        raise RuntimeError("model exploded")

    server = create_mcp_server(Agent(model=FunctionModel(broken), name="fragile"))
    async with Client(server.server) as client:
        result = await client.call_tool("fragile", {"prompt": "hi"})
    assert result.is_error
    assert "model exploded" in result.content[0].text  # type: ignore[union-attr]
