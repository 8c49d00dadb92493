"""A whole locus agent served as one MCP tool, with progress notifications."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from locus.core.events import (
    LocusEvent,
    TerminateEvent,
    ThinkEvent,
    ToolCompleteEvent,
    ToolStartEvent,
)

__all__ = ["AGENT_INPUT_SCHEMA", "progress_message", "run_agent"]

AGENT_INPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "prompt": {
            "type": "string",
            "description": "The task, in plain language, with everything the agent needs.",
        },
        "thread_id": {
            "type": "string",
            "description": "Continue this conversation (needs a checkpointer on the agent).",
        },
    },
    "required": ["prompt"],
    "additionalProperties": False,
}

Report = Callable[[float, str], Awaitable[None]]


def progress_message(event: LocusEvent) -> str | None:
    """One line for a progress notification, or ``None`` for events not worth one."""
    if isinstance(event, ThinkEvent):
        calls = ", ".join(call.name for call in event.tool_calls)
        return f"iteration {event.iteration}: " + (f"calling {calls}" if calls else "answering")
    if isinstance(event, ToolStartEvent):
        return f"tool {event.tool_name} started"
    if isinstance(event, ToolCompleteEvent):
        state = "failed" if event.error else "done"
        return f"tool {event.tool_name} {state}"
    return None


async def run_agent(
    agent: Any, prompt: str, thread_id: str | None, report: Report
) -> TerminateEvent:
    """Run ``agent`` on ``prompt``, reporting each step; returns its ``TerminateEvent``.

    Cancelling the awaiting task cancels the agent's run (its running tools
    see the cancellation).
    """
    step = 0
    final: TerminateEvent | None = None
    async for event in agent.run(prompt, thread_id=thread_id):
        if isinstance(event, TerminateEvent):
            final = event
        message = progress_message(event)
        if message is not None:
            step += 1
            await report(step, message)
    assert final is not None, "Agent.run always ends with a TerminateEvent"
    return final
