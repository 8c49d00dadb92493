"""Per-user threads and approval tokens bound to the exact paused call.

A client's thread id is stored under a key scoped to the caller's user id
(:func:`scoped_thread`), so one user's ``"t1"`` and another's ``"t1"`` are
different conversations: no user can read, continue or delete another's
thread, and none learns whether another's thread exists (404 either way).
The scoping is a pure function of (user, thread id): every server process
sharing a checkpointer agrees on it without shared server state.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from locus.core.state import AgentState
from locus.loop.nodes import INTERRUPTS_KEY
from locus.server._schemas import PendingCall

__all__ = [
    "SEPARATOR",
    "approval_token",
    "arguments_digest",
    "pending_calls",
    "public_thread",
    "scoped_thread",
    "user_prefix",
]

SEPARATOR = "~"


def user_prefix(user: str) -> str:
    """The checkpointer key prefix of ``user``'s threads."""
    return "u" + hashlib.sha256(user.encode("utf-8")).hexdigest()[:24] + SEPARATOR


def scoped_thread(user: str, thread_id: str) -> str:
    """The checkpointer thread id of ``user``'s ``thread_id``."""
    return user_prefix(user) + thread_id


def public_thread(scoped: str) -> str:
    """The client's thread id of a scoped one."""
    return scoped.partition(SEPARATOR)[2] or scoped


def arguments_digest(arguments: Any) -> str:
    """SHA-256 of the canonical JSON of a call's arguments."""
    canonical = json.dumps(arguments, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def approval_token(secret: bytes, scoped: str, tool_call_id: str, arguments: Any) -> str:
    """HMAC of (thread, tool call id, arguments digest) under the server secret.

    A token approves one call only: another thread, another call id or any
    change to the arguments gives a different token.
    """
    material = "\x00".join((scoped, tool_call_id, arguments_digest(arguments)))
    return hmac.new(secret, material.encode("utf-8"), hashlib.sha256).hexdigest()


def pending_calls(state: AgentState, secret: bytes) -> list[PendingCall]:
    """The thread's paused tool calls, in the order a resume answers them."""
    if state.status != "interrupted":
        return []
    paused: dict[str, Any] = state.metadata.get(INTERRUPTS_KEY) or {}
    arguments: dict[str, dict[str, Any]] = {}
    for message in state.messages:
        for call in message.tool_calls or ():
            arguments[call.id] = dict(call.arguments)
    scoped = state.thread_id or ""
    return [
        PendingCall(
            tool_call_id=call_id,
            tool_name=str(entry.get("tool_name", "")),
            arguments=arguments.get(call_id, {}),
            interrupt=dict(entry.get("interrupt") or {}),
            approval_token=approval_token(secret, scoped, call_id, arguments.get(call_id, {})),
        )
        for call_id, entry in paused.items()
    ]
