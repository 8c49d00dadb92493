"""An MCP server written with the official SDK only (no locus), for locus's client tests.

Run: ``python sdk_server.py`` (stdio), ``python sdk_server.py http PORT [TOKEN]``
(Streamable HTTP at /mcp, optionally requiring a bearer token) or
``python sdk_server.py sse PORT`` (SSE at /sse).
"""

from __future__ import annotations

import os
import sys

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

server = MCPServer("sdk-test-server")
CALLS: dict[str, int] = {}


@server.tool()
def add(a: int, b: int) -> int:
    """Add two integers."""
    CALLS["add"] = CALLS.get("add", 0) + 1
    return a + b


@server.tool(annotations=ToolAnnotations(idempotent_hint=True, read_only_hint=True))
def call_count(tool: str) -> int:
    """How many times a tool ran in this server process."""
    return CALLS.get(tool, 0)


@server.tool()
def pid() -> int:
    """The server's process id."""
    return os.getpid()


@server.tool()
async def slow(seconds: float) -> str:
    """Sleep, then answer."""
    await anyio.sleep(seconds)
    return "finished"


@server.tool()
async def countdown(steps: int, ctx: Context) -> str:
    """Count down, reporting progress at each step."""
    for step in range(1, steps + 1):
        await ctx.report_progress(step, steps, f"step {step} of {steps}")
    return "liftoff"


@server.tool()
def fail(reason: str) -> str:
    """Always fails with the given reason (an anticipated failure: the text reaches the client)."""
    raise ToolError(reason)


@server.tool()
def crash() -> str:
    """Kill the server process in the middle of the call."""
    os._exit(3)


@server.prompt()
def review(code: str) -> str:
    """Ask for a code review."""
    return f"Please review:\n{code}"


@server.resource("config://settings")
def settings() -> str:
    """The server settings."""
    return '{"mode": "test"}'


def _with_token(app, token):  # type: ignore[no-untyped-def]
    async def guarded(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if given != f"Bearer {token}".encode():
                await send({"type": "http.response.start", "status": 401, "headers": []})
                await send({"type": "http.response.body", "body": b"unauthorized"})
                return
        await app(scope, receive, send)

    return guarded


def main() -> None:
    if len(sys.argv) == 1:
        server.run()
        return
    import uvicorn

    mode, port = sys.argv[1], int(sys.argv[2])
    app = server.sse_app() if mode == "sse" else server.streamable_http_app()
    if len(sys.argv) > 3:
        app = _with_token(app, sys.argv[3])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
