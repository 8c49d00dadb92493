"""What one turn of tool calls shares, and what each call produces."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from locus.core.events import LocusEvent
from locus.core.interrupt import InterruptScope
from locus.core.messages import ToolCall, ToolResult
from locus.core.state import AgentState

__all__ = ["Emit", "SaveLedger", "ToolOutcome", "Turn"]

Emit = Callable[[LocusEvent], None]
SaveLedger = Callable[[str], Awaitable[None]]


@dataclass
class ToolOutcome:
    """One call's outcome: the result the model sees and the arguments used."""

    call: ToolCall
    result: ToolResult
    arguments: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    interrupt: Any = None
    """The ``InterruptValue`` when the body called ``interrupt()`` and awaits an answer."""


@dataclass
class Turn:
    """One turn's shared context: state, run ids, emit/save callbacks, in-flight twins."""

    state: AgentState
    run_id: str
    thread_id: str | None
    iteration: int
    agent_name: str | None
    emit: Emit | None
    save: SaveLedger | None
    agent: Any
    resumes: Mapping[str, list[Any]]
    checked: Collection[str] = ()
    inflight: dict[str, asyncio.Future[ToolResult]] = field(default_factory=dict)
    asked: dict[str, int] = field(default_factory=dict)
    """``interrupt()`` calls each call's ``before_tool_call`` hooks made, by call id."""

    def scope(self, call: ToolCall) -> InterruptScope:
        """A fresh interrupt scope for ``call``, after the answers its hooks consumed.

        A call's ``before_tool_call`` hooks and then its body share the call's
        answers, in that order: a hook asking first (a steering pause) gets the
        first answer, and the body's own ``interrupt()`` calls the ones after it.
        """
        answers = list(self.resumes.get(call.id, ()))
        return InterruptScope(call.name, self.agent_name, answers, self.asked.get(call.id, 0))
