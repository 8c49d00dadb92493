"""Thread bookkeeping: starting a new run on a saved thread, tool normalisation."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from typing import Any

from locus.core.errors import ToolError, ValidationError
from locus.core.messages import Message, ToolResult
from locus.core.protocols import ToolProtocol
from locus.core.state import AgentState, TokenUsage
from locus.loop._runner import ERROR_KEY
from locus.loop.nodes import INTERRUPTS_KEY, unanswered_calls
from locus.tools import Tool, ledger, tool

__all__ = ["begin_new_run", "normalize_tools", "settle_dangling_calls", "tool_schema"]


def normalize_tools(tools: Iterable[Any] | None) -> dict[str, ToolProtocol]:
    """Tools by name: Tool objects, ToolProtocol objects, agents (as tools) or plain functions.

    Raises:
        locus.core.errors.ValidationError: a duplicate name or an object that is not a tool.
    """
    out: dict[str, ToolProtocol] = {}
    for item in tools or ():
        if hasattr(item, "as_tool") and hasattr(item, "run_sync"):
            candidate: Any = item.as_tool()
        elif isinstance(item, Tool | ToolProtocol):
            candidate = item
        elif callable(item):
            try:
                candidate = tool(item)
            except ToolError as exc:
                raise ValidationError(f"Cannot use {item!r} as a tool: {exc}", cause=exc) from exc
        else:
            raise ValidationError(
                f"tools must be @tool functions, ToolProtocol objects or agents; got {item!r}"
            )
        if candidate.name in out:
            raise ValidationError(
                f"Two tools are named {candidate.name!r}; tool names must be unique "
                "(rename one with @tool(name=...))."
            )
        out[candidate.name] = candidate
    return out


def tool_schema(item: ToolProtocol) -> dict[str, Any]:
    """A tool in OpenAI ``tools=[...]`` format."""
    if isinstance(item, Tool):
        return item.to_openai_schema()
    return {
        "type": "function",
        "function": {
            "name": item.name,
            "description": item.description,
            "parameters": item.parameters,
        },
    }


def settle_dangling_calls(state: AgentState, tools: dict[str, ToolProtocol]) -> int:
    """Answer tool calls an interrupted run left without a result, without running them.

    Idempotent calls are answered from the ledger (recorded result, or in
    doubt); others are reported as interrupted. Keeps the conversation valid
    for providers that require a result for every call. Returns the count.
    """
    settled = 0
    for call in unanswered_calls(state.messages):
        content = (
            f"The call {call.name} was interrupted before it completed; its outcome is unknown."
        )
        target = tools.get(call.name)
        if isinstance(target, Tool) and target.idempotent and call.raw_arguments is None:
            try:
                _, canonical = target.validate_arguments(call.arguments)
            except (ValidationError, ToolError):
                canonical = None
            if canonical is not None:
                key = ledger.idempotency_key(target.name, canonical)
                status, record = ledger.lookup(
                    state, key, scope=target.idempotency_scope, run_id=state.run_id
                )
                if status == "done" and record is not None:
                    content = record.content
                elif status == "pending":
                    content += f" It is in doubt (idempotency key {key}); it was not run again."
                    if target.in_doubt == "retry":
                        content += " Call it again to retry it with the same idempotency key."
        result = ToolResult(tool_call_id=call.id, name=call.name, content=content)
        state.messages.append(Message.tool(result))
        settled += 1
    return settled


def begin_new_run(state: AgentState) -> None:
    """Reset the per-run fields of a loaded thread for a new run (ledger and history stay)."""
    state.run_id = uuid.uuid4().hex
    state.iteration = 0
    state.confidence = None
    state.token_usage = TokenUsage()
    state.status = "running"
    state.stop_reason = None
    state.metadata.pop(ERROR_KEY, None)
    state.grounding_score = None
    state.structured_output = None
    state.started_at = time.time()
    state.metadata.pop(INTERRUPTS_KEY, None)
    ledger.prune(state)
