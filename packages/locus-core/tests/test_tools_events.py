"""Tool events on the EventBus: ToolContext.emit, dedup, ledger writes, validation failures."""

from __future__ import annotations

from locus import Agent, tool
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context
from locus.tools import ToolContext


@tool(idempotent=True)
def deploy(service: str, ctx: ToolContext) -> str:
    """Deploy a service."""
    ctx.emit("agent.tool.progress", step="rolling out", service=service)
    return f"deployed {service}"


async def test_tool_events_reach_the_bus() -> None:
    call = ToolCall(name="deploy", arguments={"service": "checkout"})
    bad = ToolCall(name="deploy", arguments={"service": ["not", "a", "string"]})
    model = ScriptedModel([[call], [call, bad], "done"])
    agent = Agent(model=model, tools=[deploy])
    async with run_context() as rid:
        await agent.invoke("ship it")
        events = [ev async for ev in get_event_bus().subscribe(rid)]
    by_type: dict[str, list[dict[str, object]]] = {}
    for ev in events:
        by_type.setdefault(ev.event_type, []).append(ev.data)
    progress = by_type["agent.tool.progress"]
    assert progress == [
        {
            "step": "rolling out",
            "service": "checkout",
            "tool_name": "deploy",
            "tool_call_id": call.id,
        }
    ]
    assert [d["status"] for d in by_type["memory.idempotency.recorded"]] == ["pending", "done"]
    assert by_type["agent.tool.deduplicated"][0]["in_doubt"] is False
    assert by_type["agent.tool.validation_failed"][0]["tool_name"] == "deploy"
    completed = by_type["agent.tool.completed"]
    assert [d["cached"] for d in completed] == [False, True, False]
    assert completed[0]["output_preview"] == "deployed checkout"
