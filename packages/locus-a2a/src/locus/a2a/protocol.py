"""Server and client of the A2A protocol, plus the simple message models of locus.

:class:`A2AServer` and :class:`A2AClient` run on the official ``a2a-sdk``.
:class:`A2AMessage`, :class:`A2ARequest` and :class:`A2AResponse` are plain
pydantic views for code that wants text in and text out without protobuf.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from locus.a2a._client import A2AClient
from locus.a2a._server import A2AServer
from locus.a2a.spec import AgentCard

__all__ = ["A2AClient", "A2AMessage", "A2ARequest", "A2AResponse", "A2AServer", "AgentCard"]


class A2AMessage(BaseModel):
    """One message as text: ``role`` (``"user"``/``"agent"``), ``content`` and metadata."""

    role: str = "user"
    content: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)


class A2ARequest(BaseModel):
    """Messages sent to an agent, with request metadata."""

    messages: list[A2AMessage] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)


class A2AResponse(BaseModel):
    """An agent's answer: its messages, the task state name and metadata."""

    messages: list[A2AMessage] = Field(default_factory=list)
    status: str = ""
    metadata: dict[str, Any] = Field(default_factory=dict)
