"""LocusMCPServer: serve locus tools and agents to any MCP client."""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import anyio
import mcp.types as mt
from mcp.server import Server, ServerRequestContext
from mcp.server.stdio import stdio_server
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from locus.core.errors import ConfigError, LocusError, ToolValidationError, ValidationError
from locus.core.protocols import ToolProtocol
from locus.mcp._agent_tool import AGENT_INPUT_SCHEMA, run_agent
from locus.mcp._progress import ProgressRelay, RelayContext
from locus.mcp._wire import error_result, locus_tool_to_mcp, to_call_result
from locus.tools import Tool, render_result

__all__ = ["LocusMCPServer", "create_mcp_server"]

ServeTransport = Literal["stdio", "streamable-http"]


def _is_agent(obj: Any) -> bool:
    return callable(getattr(obj, "run", None)) and hasattr(obj, "tools") and hasattr(obj, "model")


def _agent_tool_name(agent: Any) -> str:
    raw = str(getattr(agent, "name", None) or "agent")
    out = "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in raw.strip())
    return out.strip("_") or "agent"


class LocusMCPServer:
    """An MCP server whose tools are locus tools and (optionally) a whole agent.

    The agent is one MCP tool (named after ``agent.name``, default ``agent``)
    taking ``prompt`` and an optional ``thread_id``; each step of its run
    (model turn, tool start, tool end) goes to the client as a progress
    notification when the client asked for progress, and a client's
    cancellation cancels the run. Each locus tool keeps its name,
    description and argument schema; ``@tool(idempotent=True)`` tools carry
    ``idempotentHint``. Arguments are validated before a body runs; a
    validation failure, an exception or a timeout comes back as an
    ``isError`` result the calling model can read.

    Args:
        agent: An :class:`~locus.Agent` to serve as a tool.
        tools: Locus tools to serve (``@tool`` functions or ToolProtocol objects).
        name: Server name shown to clients.
        version: Server version shown to clients.
        instructions: Instructions for clients (default: the agent's description).
        include_agent_tools: Also serve the agent's own tools.
        access_token: Over HTTP, require ``Authorization: Bearer <token>``.

    Raises:
        locus.core.errors.ConfigError: Nothing to serve, or two tools share a name.
    """

    def __init__(
        self,
        agent: Any = None,
        *,
        tools: Iterable[Any] = (),
        name: str = "locus-agent",
        version: str = "1.0.0",
        instructions: str | None = None,
        include_agent_tools: bool = False,
        access_token: str | None = None,
    ) -> None:
        if agent is not None and not _is_agent(agent):
            raise ValidationError(
                f"LocusMCPServer(agent=...) needs a locus Agent, got {agent!r}; "
                "pass plain tools as tools=[...]."
            )
        self.agent = agent
        self.name = name
        self.version = version
        self.access_token = access_token
        self.agent_tool_name = _agent_tool_name(agent) if agent is not None else None
        served: list[Any] = list(tools)
        if agent is not None and include_agent_tools:
            served.extend(agent.tools.values() if isinstance(agent.tools, Mapping) else agent.tools)
        self.tools: dict[str, ToolProtocol] = {}
        for item in served:
            locus_tool = item if hasattr(item, "parameters") else Tool(item)
            if locus_tool.name in self.tools or locus_tool.name == self.agent_tool_name:
                raise ConfigError(
                    f"Two served tools are named {locus_tool.name!r}; rename one "
                    "(@tool(name=...)) so MCP clients can tell them apart."
                )
            self.tools[locus_tool.name] = locus_tool
        if agent is None and not self.tools:
            raise ConfigError("LocusMCPServer has nothing to serve: pass agent=... or tools=[...].")
        description = getattr(agent, "description", "") if agent is not None else ""
        self.server: Server[Any] = Server(
            name,
            version=version,
            instructions=instructions or description or None,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
        )

    def __repr__(self) -> str:
        served = [*([self.agent_tool_name] if self.agent_tool_name else []), *self.tools]
        return f"LocusMCPServer({self.name!r}, tools={served})"

    # -- MCP handlers ------------------------------------------------------------

    def list_tools(self) -> list[mt.Tool]:
        """The MCP tool definitions this server lists."""
        listed: list[mt.Tool] = []
        if self.agent is not None and self.agent_tool_name is not None:
            description = getattr(self.agent, "description", "") or (
                f"Delegate a task to the {self.agent_tool_name} agent; it answers in text."
            )
            listed.append(
                mt.Tool(
                    name=self.agent_tool_name,
                    description=description,
                    input_schema=AGENT_INPUT_SCHEMA,
                )
            )
        listed.extend(mt.Tool.model_validate(locus_tool_to_mcp(t)) for t in self.tools.values())
        return listed

    async def _list_tools(
        self, ctx: ServerRequestContext[Any], params: mt.PaginatedRequestParams | None
    ) -> mt.ListToolsResult:
        return mt.ListToolsResult(tools=self.list_tools())

    async def _call_tool(
        self, ctx: ServerRequestContext[Any], params: mt.CallToolRequestParams
    ) -> mt.CallToolResult:
        arguments = dict(params.arguments or {})
        if params.name == self.agent_tool_name:
            return await self._call_agent(ctx, arguments)
        target = self.tools.get(params.name)
        if target is None:
            available = ", ".join(t.name for t in self.list_tools())
            return error_result(f"Unknown tool {params.name!r}. Available tools: {available}.")
        relay = ProgressRelay(lambda step, text: ctx.session.report_progress(step, None, text))
        try:
            return await self.call_locus_tool(target, arguments, relay)
        finally:
            await relay.flush()

    async def call_locus_tool(
        self,
        target: ToolProtocol,
        arguments: dict[str, Any],
        relay: ProgressRelay | None = None,
    ) -> mt.CallToolResult:
        """Validate ``arguments``, run ``target`` and turn the outcome into an MCP result.

        A ``@tool`` body calling ``ctx.progress(...)`` reaches the client as a
        progress notification through ``relay``.
        """
        timeout = getattr(target, "timeout", None)
        try:
            if isinstance(target, Tool):
                kwargs, _ = target.validate_arguments(arguments)
                context = RelayContext(tool_name=target.name, relay=relay)
                pending = target.call_validated(kwargs, context)
            else:
                pending = target.execute(**arguments)
            value = await asyncio.wait_for(pending, timeout) if timeout else await pending
        except ToolValidationError as exc:
            return error_result(exc.message)
        except TimeoutError:
            return error_result(f"Tool {target.name!r} timed out after {timeout}s.")
        except Exception as exc:
            return error_result(f"Tool {target.name!r} raised {type(exc).__name__}: {exc}")
        return to_call_result(value, render_result(value))

    async def _call_agent(
        self, ctx: ServerRequestContext[Any], arguments: dict[str, Any]
    ) -> mt.CallToolResult:
        prompt = arguments.get("prompt")
        thread_id = arguments.get("thread_id")
        extra = set(arguments) - {"prompt", "thread_id"}
        if not isinstance(prompt, str) or not prompt.strip() or extra:
            unexpected = f"; unexpected: {', '.join(sorted(extra))}" if extra else ""
            return error_result(
                f"Tool {self.agent_tool_name!r} takes a non-empty string 'prompt' and an optional "
                f"string 'thread_id'{unexpected}."
            )
        if thread_id is not None and not isinstance(thread_id, str):
            return error_result("'thread_id' must be a string.")

        async def report(step: float, message: str) -> None:
            await ctx.session.report_progress(step, None, message)

        try:
            final = await run_agent(self.agent, prompt, thread_id, report)
        except LocusError as exc:
            return error_result(f"The agent failed ({exc.kind}): {exc.message}")
        except Exception as exc:  # the calling model reads it as the tool's error
            return error_result(f"The agent failed: {type(exc).__name__}: {exc}")
        structured = final.structured_output
        return mt.CallToolResult(
            content=[mt.TextContent(type="text", text=final.final_message)],
            structured_content=structured if isinstance(structured, dict) else None,
        )

    # -- transports ----------------------------------------------------------------

    async def run_stdio_async(self) -> None:
        """Serve one client over this process's stdin/stdout until it disconnects."""
        async with stdio_server() as (read, write):
            await self.server.run(read, write, self.server.create_initialization_options())

    def streamable_http_app(
        self, *, path: str = "/mcp", host: str = "127.0.0.1", stateless: bool = False
    ) -> ASGIApp:
        """An ASGI app serving MCP over Streamable HTTP at ``path``.

        With ``access_token`` set, requests without the bearer token get a 401.

        ``host`` is the address the app is served on: for loopback hosts the
        SDK's DNS-rebinding protection accepts only local ``Host`` headers.
        """
        app: Starlette = self.server.streamable_http_app(
            streamable_http_path=path, stateless_http=stateless, host=host
        )
        if self.access_token:
            return _BearerAuth(app, self.access_token)
        return app

    async def run_http_async(
        self, host: str = "127.0.0.1", port: int = 8000, *, path: str = "/mcp"
    ) -> None:
        """Serve over Streamable HTTP with uvicorn until cancelled."""
        import uvicorn

        app = self.streamable_http_app(path=path, host=host)
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")
        await uvicorn.Server(config).serve()

    def run(
        self,
        transport: ServeTransport = "stdio",
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        path: str = "/mcp",
    ) -> None:
        """Serve (blocking): ``"stdio"`` (default) or ``"streamable-http"`` on ``host:port``."""
        if transport == "stdio":
            anyio.run(self.run_stdio_async)
        elif transport == "streamable-http":
            anyio.run(lambda: self.run_http_async(host, port, path=path))
        else:
            raise ConfigError(
                f"Unknown MCP transport {transport!r}; use 'stdio' or 'streamable-http'."
            )


class _BearerAuth:
    """Refuse HTTP requests without ``Authorization: Bearer <token>`` (401, JSON body)."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            given = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(given, self.expected):
                body = b'{"error": "unauthorized", "detail": "send Authorization: Bearer <token>"}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"www-authenticate", b"Bearer"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)


def create_mcp_server(
    agent: Any = None,
    name: str = "locus-agent",
    version: str = "1.0.0",
    *,
    tools: Iterable[Any] = (),
    include_agent_tools: bool = False,
    access_token: str | None = None,
) -> LocusMCPServer:
    """An MCP server for an agent, or for tools.

    ``agent`` may be a locus :class:`~locus.Agent` (served as one tool), a
    single tool, or a list of tools.

    Raises:
        locus.core.errors.ConfigError: Nothing to serve, or two tools share a name.
    """
    if agent is not None and not _is_agent(agent):
        tools = [*(agent if isinstance(agent, list | tuple) else [agent]), *tools]
        agent = None
    return LocusMCPServer(
        agent,
        tools=tools,
        name=name,
        version=version,
        include_agent_tools=include_agent_tools,
        access_token=access_token,
    )
