"""The Execute node: concurrency, timeouts, and failures reported to the model, never raised."""

from __future__ import annotations

import asyncio
import threading

from locus import Agent, tool
from locus.core.events import ToolCompleteEvent
from locus.core.messages import Message, Role, ToolCall
from locus.models import ScriptedModel


def _tool_messages(agent_result) -> list[Message]:  # type: ignore[no-untyped-def]
    return [m for m in agent_result.state.messages if m.role is Role.TOOL]


async def test_tool_calls_of_one_turn_run_concurrently() -> None:
    barrier = asyncio.Barrier(2)

    @tool
    async def wait_a() -> str:
        """A."""
        await asyncio.wait_for(barrier.wait(), 5)
        return "a"

    @tool
    async def wait_b() -> str:
        """B."""
        await asyncio.wait_for(barrier.wait(), 5)
        return "b"

    model = ScriptedModel([[ToolCall(name="wait_a"), ToolCall(name="wait_b")], "done"])
    result = await Agent(model=model, tools=[wait_a, wait_b]).invoke("go")
    assert [e.result for e in result.tool_executions] == ["a", "b"]
    assert all(e.error is None for e in result.tool_executions)


async def test_sync_tools_run_in_worker_threads_concurrently() -> None:
    barrier = threading.Barrier(2, timeout=5)

    @tool
    def left() -> str:
        """L."""
        barrier.wait()
        return "l"

    @tool
    def right() -> str:
        """R."""
        barrier.wait()
        return "r"

    model = ScriptedModel([[ToolCall(name="left"), ToolCall(name="right")], "ok"])
    result = await Agent(model=model, tools=[left, right]).invoke("go")
    assert [e.result for e in result.tool_executions] == ["l", "r"]


async def test_failures_become_tool_error_messages_and_events() -> None:
    @tool
    def divide(a: int, b: int) -> float:
        """Divide."""
        return a / b

    @tool(timeout=0.05)
    async def slow() -> str:
        """Slow."""
        await asyncio.sleep(10)
        return "never"

    turn = [
        ToolCall(id="c1", name="nope", arguments={}),
        ToolCall(id="c2", name="divide", raw_arguments="{not json"),
        ToolCall(id="c3", name="divide", arguments={"a": "x", "b": 1}),
        ToolCall(id="c4", name="divide", arguments={"a": 1, "b": 0}),
        ToolCall(id="c5", name="slow", arguments={}),
        ToolCall(id="c6", name="divide", arguments={"a": 6, "b": 3}),
    ]
    model = ScriptedModel([turn, "recovered"])
    agent = Agent(model=model, tools=[divide, slow])
    events = [e async for e in agent.run("go")]
    completes = {e.tool_call_id: e for e in events if isinstance(e, ToolCompleteEvent)}
    assert "Unknown tool 'nope'" in (completes["c1"].error or "")
    assert "divide, slow" in (completes["c1"].error or "")
    assert "not a valid JSON object" in (completes["c2"].error or "")
    assert "Invalid arguments for tool 'divide'" in (completes["c3"].error or "")
    assert "ZeroDivisionError" in (completes["c4"].error or "")
    assert "timed out" in (completes["c5"].error or "")
    assert completes["c6"].error is None
    assert completes["c6"].result == "2.0"
    # the model saw every error as a tool message, then answered
    tool_msgs = [m for m in model.calls[1] if m.role is Role.TOOL]
    assert [m.tool_call_id for m in tool_msgs] == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert tool_msgs[0].content.startswith("Error:")
    assert events[-1].event_type == "agent.terminate"


async def test_agent_tool_timeout_default_applies() -> None:
    @tool
    async def hang() -> str:
        """Hang."""
        await asyncio.sleep(10)
        return "x"

    model = ScriptedModel([[ToolCall(name="hang")], "gave up"])
    result = await Agent(model=model, tools=[hang], tool_timeout=0.05).invoke("go")
    assert "timed out after 0.05s" in (result.tool_executions[0].error or "")
