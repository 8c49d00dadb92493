"""A locus agent and tools served over MCP by LocusMCPServer, for the official SDK client.

Run: ``python locus_server.py`` (stdio) or ``python locus_server.py http PORT``.
Also importable: ``locus mcp serve locus_server:agent``.
"""

from __future__ import annotations

import asyncio
import sys

from locus import Agent, tool
from locus.core.messages import ToolCall
from locus.mcp import create_mcp_server
from locus.models import ScriptedModel

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
def divide(a: float, b: float) -> float:
    """Divide a by b."""
    return a / b


def _script() -> list[object]:
    return [
        [ToolCall(id="c1", name="book_flight", arguments={"flight_id": "TK-12", "seats": 2})],
        [ToolCall(id="c2", name="book_flight", arguments={"flight_id": "TK-12", "seats": 2})],
        "Booked TK-12 for 2 seats. Confirmation BK-TK-12-2.",
    ]


agent = Agent(
    model=ScriptedModel(_script() * 20),
    tools=[book_flight],
    name="concierge",
    description="A travel concierge that books flights.",
)

server = create_mcp_server(
    agent, name="locus-test", tools=[wait_for, slow_state, divide], include_agent_tools=True
)

if __name__ == "__main__":
    if sys.argv[1:2] == ["http"]:
        server.run("streamable-http", port=int(sys.argv[2]))
    else:
        server.run()
