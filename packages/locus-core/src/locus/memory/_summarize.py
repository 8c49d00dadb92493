"""Turning old messages into a summary: the default (the agent's model) and the hook."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from locus.core.errors import ConfigError
from locus.core.messages import Message, Role
from locus.memory._window import SUMMARY_KEY

__all__ = ["USAGE_KEY", "SummarizeFn", "render_transcript", "summarize", "summary_message"]

SummarizeFn = Callable[[list[Message]], str | Awaitable[str]]
"""``summarize_fn(messages) -> str`` (sync or async); ``messages`` starts with
the previous summary message, when there is one."""

USAGE_KEY = "usage"
"""Key of the manager memory where a model-backed summary leaves its token usage."""

SUMMARY_PROMPT = (
    "You compress conversations. Write a short, factual summary of the transcript: "
    "the user's goals, decisions made, facts learned from tools (with their numbers and "
    "names), and open questions. Keep every fact that a later turn may need. "
    "Write plain text, no preamble."
)


def render_transcript(messages: Sequence[Message]) -> str:
    """One line per message: ``role: text`` (tool calls and results included)."""
    lines = []
    for message in messages:
        if message.metadata.get(SUMMARY_KEY):
            lines.append(f"earlier summary: {message.content or ''}")
            continue
        text = message.content or ""
        if message.role is Role.TOOL:
            lines.append(f"tool {message.name or ''} result: {text}")
            continue
        for call in message.tool_calls:
            text += f" [calls {call.name}({call.arguments})]"
        lines.append(f"{message.role.value}: {text.strip()}")
    return "\n".join(lines)


def summary_message(text: str) -> Message:
    """The system message carrying a summary of the dropped turns."""
    message = Message.system(f"Summary of the earlier conversation:\n{text}")
    message.metadata[SUMMARY_KEY] = True
    return message


async def summarize(
    messages: list[Message],
    summarize_fn: SummarizeFn | None,
    model: Any,
    memory: MutableMapping[str, Any],
) -> str:
    """Summary text of ``messages`` with ``summarize_fn``, else with ``model``.

    The model's token usage is added under :data:`USAGE_KEY` of ``memory`` so
    the agent counts it.

    Raises:
        locus.core.errors.ConfigError: neither a function nor a model is available.
    """
    if summarize_fn is not None:
        result = summarize_fn(messages)
        if inspect.isawaitable(result):
            result = await result
        return str(result)
    if model is None:
        raise ConfigError(
            "This conversation manager needs a summarize_fn or a model: pass "
            "summarize_fn=... or use it through Agent(conversation_manager=...)."
        )
    prompt = [Message.system(SUMMARY_PROMPT), Message.user(render_transcript(messages))]
    response = await model.complete(prompt, None)
    usage = memory.setdefault(USAGE_KEY, {})
    for name, value in (response.usage or {}).items():
        if isinstance(value, int):
            usage[name] = usage.get(name, 0) + value
    return str(response.message.content or "")
