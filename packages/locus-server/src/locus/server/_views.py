"""What ``GET /threads/{id}`` shows of a thread, for an agent's and a graph's threads alike.

An agent's checkpoint is its :class:`~locus.core.state.AgentState` (messages,
paused tool calls). A graph's (or a pattern's) checkpoint holds the graph's
position: its channel values, the nodes of the next step, and the
``interrupt()`` calls it waits on. Both become one :class:`ThreadSnapshot`,
read through the public ``load`` / ``get_state`` APIs only.

A paused graph node is listed like a paused tool call: its ``tool_call_id`` is
the interrupt's id, ``tool_name`` the node, and its approval token binds the
thread, the interrupt id and the SHA-256 of the interrupt's payload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic_core import to_jsonable_python

from locus.core.state import AgentState
from locus.server._schemas import PendingCall
from locus.server._threads import approval_token, pending_calls

__all__ = [
    "ThreadSnapshot",
    "agent_snapshot",
    "graph_pending",
    "graph_snapshot",
    "graph_snapshot_at",
]


@dataclass
class ThreadSnapshot:
    """A thread as the HTTP API shows it.

    Attributes:
        status: ``running``, ``interrupted``, ``completed`` or ``failed``.
        messages: The conversation (an agent's, or a graph's ``messages`` key).
        values: A graph's channel values as JSON (``None`` for an agent).
        next: A graph's nodes of the next step (what a continue runs).
        pending: Paused calls with their approval tokens.
    """

    status: str
    messages: list[dict[str, Any]] = field(default_factory=list)
    values: dict[str, Any] | None = None
    next: list[str] = field(default_factory=list)
    pending: list[PendingCall] = field(default_factory=list)


def _json(value: Any) -> Any:
    return to_jsonable_python(value, fallback=repr)


def _messages_of(values: dict[str, Any]) -> list[dict[str, Any]]:
    raw = values.get("messages")
    if not isinstance(raw, list):
        return []
    out: list[dict[str, Any]] = []
    for item in raw:
        data = item if isinstance(item, dict) else _json(item)
        if isinstance(data, dict):
            out.append(data)
    return out


async def agent_snapshot(
    checkpointer: Any, scoped: str, secret: bytes | None, checkpoint_id: str | None = None
) -> ThreadSnapshot | None:
    """An agent thread (latest, or at ``checkpoint_id``); ``pending`` needs ``secret``."""
    state: AgentState | None = await checkpointer.load(scoped, checkpoint_id)
    if state is None:
        return None
    return ThreadSnapshot(
        status=state.status,
        messages=[m.model_dump(mode="json") for m in state.messages],
        pending=pending_calls(state, secret) if secret is not None else [],
    )


def graph_pending(
    scoped: str, interrupts: list[dict[str, Any]], secret: bytes
) -> list[PendingCall]:
    """Paused graph interrupts (JSON form) as :class:`PendingCall` s with their tokens."""
    pending: list[PendingCall] = []
    for item in interrupts:
        interrupt_id = str(item.get("interrupt_id", ""))
        if not interrupt_id:
            continue
        payload = item.get("payload")
        pending.append(
            PendingCall(
                tool_call_id=interrupt_id,
                tool_name=str(item.get("node_id") or ""),
                arguments={},
                interrupt=dict(item),
                approval_token=approval_token(secret, scoped, interrupt_id, payload),
            )
        )
    return pending


async def graph_snapshot(graph: Any, scoped: str, secret: bytes) -> ThreadSnapshot | None:
    """A graph thread's latest checkpoint (``CompiledGraph.get_state``)."""
    snapshot = await graph.get_state(scoped)
    if snapshot is None:
        return None
    values = _json(dict(snapshot.values))
    interrupts = [i.model_dump(mode="json") for i in snapshot.interrupts]
    return ThreadSnapshot(
        status=str(snapshot.status),
        messages=_messages_of(values),
        values=values,
        next=list(snapshot.next),
        pending=graph_pending(scoped, interrupts, secret),
    )


async def graph_snapshot_at(
    checkpointer: Any, scoped: str, checkpoint_id: str
) -> ThreadSnapshot | None:
    """A graph thread as it was at one checkpoint (read only: no pending calls)."""
    state: AgentState | None = await checkpointer.load(scoped, checkpoint_id)
    if state is None:
        return None
    position = state.metadata.get("graph")
    values = position.get("values") if isinstance(position, dict) else None
    values = dict(values) if isinstance(values, dict) else {}
    tasks = position.get("tasks") if isinstance(position, dict) else None
    return ThreadSnapshot(
        status=state.status,
        messages=_messages_of(values),
        values=values,
        next=[str(t.get("node")) for t in tasks or () if isinstance(t, dict)],
    )
