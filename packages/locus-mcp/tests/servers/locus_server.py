"""A locus agent and tools served over MCP by LocusMCPServer, for the official SDK client.

Run: ``python locus_server.py`` (stdio) or ``python locus_server.py http PORT``.
Also importable: ``locus mcp serve locus_server:agent``.
"""

from __future__ import annotations

import asyncio
import sys

from locus import Agent, tool
from locus.core.messages import Message, Role, ToolCall
from locus.mcp import create_mcp_server
from locus.models import FunctionModel
from locus.tools import ToolContext

STATE: dict[str, str] = {"slow": "not started"}


@tool(idempotent=True)
def book_flight(flight_id: str, seats: int = 1) -> dict[str, object]:
    """Book seats on a flight.

    Args:
        flight_id: The flight, e.g. TK-12.
        seats: How many seats.
    """
    return {"flight_id": flight_id, "seats": seats, "confirmation": f"BK-{flight_id}-{seats}"}


@tool
async def wait_for(seconds: float) -> str:
    """Wait, then answer (records whether it was cancelled).

    Args:
        seconds: How long to wait.
    """
    STATE["slow"] = "running"
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        STATE["slow"] = "cancelled"
        raise
    STATE["slow"] = "finished"
    return "finished"


@tool
def slow_state() -> str:
    """What happened to the last wait_for call."""
    return STATE["slow"]


@tool
def export(rows: int, ctx: ToolContext) -> str:
    """Export rows, reporting progress (a sync body: it runs in a worker thread).

    Args:
        rows: How many rows.
    """
    ctx.progress("half way", 0.5)
    ctx.progress("written")
    return f"exported {rows}"


@tool
def divide(a: float, b: float) -> float:
    """Divide a by b."""
    return a / b


def concierge_model(messages: list[Message], tools: object) -> object:
    """Plays the model: ``wait N`` waits N seconds; anything else books TK-12 twice, then answers."""
    last_user = max(i for i, m in enumerate(messages) if m.role is Role.USER)
    prompt = messages[last_user].text
    results = [m for m in messages[last_user:] if m.role is Role.TOOL]
    if prompt.startswith("wait"):
        if results:
            return "waited"
        return [ToolCall(id="w", name="wait_for", arguments={"seconds": float(prompt.split()[1])})]
    if len(results) < 2:  # the second call is answered from the idempotency ledger
        booking = {"flight_id": "TK-12", "seats": 2}
        return [ToolCall(id=f"c{len(results)}", name="book_flight", arguments=booking)]
    return "Booked TK-12 for 2 seats. Confirmation BK-TK-12-2."


agent = Agent(
    model=FunctionModel(concierge_model),
    tools=[book_flight, wait_for],
    name="concierge",
    description="A travel concierge that books flights.",
)

server = create_mcp_server(
    agent, name="locus-test", tools=[slow_state, divide, export], include_agent_tools=True
)

if __name__ == "__main__":
    if sys.argv[1:2] == ["http"]:
        server.run("streamable-http", port=int(sys.argv[2]))
    else:
        server.run()
