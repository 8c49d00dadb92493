"""The seed's observability example end to end, once the Agent exists.

``async with run_context() as rid: agent.run_sync(...); async for ev in
get_event_bus().subscribe(rid)`` must replay the run and end. Skips until
``locus.agent.Agent`` is built.
"""

from __future__ import annotations

import asyncio

import pytest

from locus.observability import get_event_bus, run_context


def get_agent_class() -> type:
    try:
        from locus.agent import Agent
    except ImportError:
        pytest.skip("locus.agent.Agent is not built yet")
    return Agent  # type: ignore[no-any-return]


async def test_seed_observability_example_terminates() -> None:
    Agent = get_agent_class()
    from locus.tools import tool

    @tool
    def get_metric(name: str) -> float:
        """Return the current value of a named metric."""
        return 182.0

    agent = Agent(model="test", tools=[get_metric])

    async def scenario() -> list[str]:
        async with run_context() as rid:
            agent.run_sync("What is the p99 latency right now?")
            seen = []
            async for ev in get_event_bus().subscribe(rid):
                match ev.event_type:
                    case "agent.think":
                        assert isinstance(ev.data["reasoning_preview"], str)
                    case "agent.tool.started":
                        assert ev.data["tool_name"] == "get_metric"
                    case "agent.tokens.used":
                        assert isinstance(ev.data["total_tokens"], int)
                    case "agent.terminate":
                        assert isinstance(ev.data["final_message_preview"], str)
                seen.append(ev.event_type)
            return seen

    seen = await asyncio.wait_for(scenario(), 30)
    assert "agent.think" in seen
    assert "agent.tool.started" in seen
    assert seen[-1] == "agent.terminate"
