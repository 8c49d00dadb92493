"""``AgentServer(observe=True)``: every request is a run on the EventBus.

Inside the request's ``run_context()`` the server's own events
(``server.request.*``, ``server.stream.*``, ``server.thread.deleted``,
``server.auth.failed``) and everything the agent does are published under one
run id, which the response carries in ``X-Locus-Run-Id``. Without it every
``emit`` of the server is a no-op that allocates nothing.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from locus.observability import emit, run_context

__all__ = ["RUN_ID_HEADER", "ObserveMiddleware"]

RUN_ID_HEADER = "x-locus-run-id"


class ObserveMiddleware:
    """Open a ``run_context()`` per HTTP request and report its outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        async with run_context() as run_id:

            async def send_with_run_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = int(message["status"])
                    headers = list(message.get("headers", []))
                    headers.append((RUN_ID_HEADER.encode(), run_id.encode()))
                    message = {**message, "headers": headers}
                await send(message)

            try:
                await self.app(scope, receive, send_with_run_id)
            finally:
                emit(
                    "server.request.completed",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 3),
                )
