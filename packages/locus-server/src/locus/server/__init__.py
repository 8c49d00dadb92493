"""locus-server: serve an agent, graph or runnable over HTTP.

::

    from locus.server import AgentServer

    server = AgentServer(agent=agent, api_key="...", cors_origins=["https://app.example.com"])
    server.run(host="0.0.0.0", port=8080)

``uvicorn locus.server:run`` serves ``$LOCUS_SERVER_AGENT`` (``module:attribute``);
``locus serve module:attribute`` does the same from the CLI. See ``docs/server.md``.
"""

from __future__ import annotations

from locus.server._auth import ApiKeyAuth, Authenticator, Forbidden
from locus.server._entry import EnvApp, load_target
from locus.server._schemas import (
    ErrorResponse,
    InvokeRequest,
    InvokeResponse,
    PendingCall,
    ResumeRequest,
    ThreadView,
)
from locus.server.adapters import GraphRunnable
from locus.server.app import AgentServer

__all__ = [
    "AgentServer",
    "ApiKeyAuth",
    "Authenticator",
    "ErrorResponse",
    "Forbidden",
    "GraphRunnable",
    "InvokeRequest",
    "InvokeResponse",
    "PendingCall",
    "ResumeRequest",
    "ThreadView",
    "load_target",
    "run",
]

run = EnvApp()
"""ASGI app for ``LOCUS_SERVER_AGENT=app:agent uvicorn locus.server:run``."""
