"""MCPClient: use the tools, prompts and resources of an MCP server from locus."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

import anyio
import mcp.types as mt
import pydantic
from mcp import ClientSession
from mcp.shared.dispatcher import ProgressFnT
from mcp.shared.exceptions import MCPError

from locus.core.errors import ConfigError, ValidationError
from locus.mcp._connectable import Connectable
from locus.mcp._connection import Connection, describe_error, every_page, open_connection
from locus.mcp._errors import (
    MCPConnectionError,
    MCPResultError,
    MCPTimeoutError,
)
from locus.mcp._mcp_tool import MCPTool
from locus.mcp._transport import Transport, TransportName, transport_for
from locus.mcp._urls import check_url

__all__ = ["MCPClient"]

T = TypeVar("T")

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_-]")
_PREFIX = re.compile(r"[A-Za-z0-9_-]{1,32}")

# Errors that mean the transport is gone (the server died, the socket closed).
_BROKEN = (
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
    ConnectionError,
    OSError,
)


class MCPClient(Connectable):
    """A connection to one MCP server, whose tools become locus tools.

    Give ``server_command`` to spawn a stdio server, or ``base_url`` for a
    Streamable HTTP server (a URL ending in ``/sse`` uses the SSE transport;
    ``transport=`` overrides). The connection opens on :meth:`connect` (or
    ``async with``) and again by itself after the server dies: a call that was
    running when it died fails with :class:`MCPConnectionError` (it is not
    retried: it may have had effects), the next one reconnects.

    Args:
        server_command: Command line of a stdio server (``"python server.py"``
            or a list of arguments).
        base_url: URL of an HTTP server.
        transport: ``"stdio"``, ``"streamable-http"`` or ``"sse"`` (inferred when ``None``).
        access_token: Sent as ``Authorization: Bearer <token>`` (HTTP transports).
        headers: Extra HTTP headers.
        env: Extra environment variables for a stdio server.
        cwd: Working directory of a stdio server.
        verify_ssl: Verify TLS certificates.
        verify_url: Check ``base_url`` against the allow-list before connecting.
        allow_private_url: Accept loopback, private and link-local addresses
            (refused by default: they reach into your own network).
        allowed_hosts: When given, the only hosts ``base_url`` may name.
        prefix: Prepended as ``<prefix>_`` to tool names, so several servers
            can serve one agent without name collisions.
        name: Server name for messages (default: the prefix or the server's own name).
        timeout: Seconds a request may take before it fails (and is cancelled).
        connect_timeout: Seconds to start (stdio) or reach the server and finish the handshake.
        errlog: Where a stdio server's stderr goes (default ``sys.stderr``).

    Raises:
        locus.core.errors.ConfigError: Neither or both of ``server_command`` and ``base_url``.
    """

    def __init__(
        self,
        server_command: str | Sequence[str] | None = None,
        *,
        base_url: str | None = None,
        transport: TransportName | None = None,
        access_token: str | None = None,
        headers: Mapping[str, str] | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        verify_ssl: bool = True,
        verify_url: bool = True,
        allow_private_url: bool = False,
        allowed_hosts: Collection[str] | None = None,
        prefix: str | None = None,
        name: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 60.0,
        errlog: TextIO | None = None,
    ) -> None:
        if timeout <= 0:
            raise ValidationError(f"MCPClient timeout must be > 0 seconds, got {timeout}")
        if prefix is not None and not _PREFIX.fullmatch(prefix):
            raise ValidationError(
                f"MCPClient prefix must be 1-32 letters, digits, '_' or '-', got {prefix!r}"
            )
        all_headers = dict(headers or {})
        if access_token:
            all_headers["Authorization"] = f"Bearer {access_token}"
        self.transport: Transport = transport_for(
            server_command,
            base_url,
            transport,
            headers=all_headers,
            env=env,
            cwd=cwd,
            verify_ssl=verify_ssl,
            timeout=timeout,
        )
        self.verify_url = verify_url
        self.allow_private_url = allow_private_url
        self.allowed_hosts = set(allowed_hosts) if allowed_hosts is not None else None
        self.prefix = prefix
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.errlog = errlog
        self._name = name
        self._conn: Connection | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        self.connections_opened = 0
        """How many times a connection was opened (1 + reconnects)."""

    def __repr__(self) -> str:
        return f"MCPClient({self.transport.describe()!r})"

    @property
    def name(self) -> str:
        """The server's name in messages.

        ``name``, else ``prefix``, else the name the server gave, else its address.
        """
        if self._name:
            return self._name
        if self.prefix:
            return self.prefix
        info = self._conn.server_info if self._conn is not None else None
        return info.name if info is not None and info.name else self.transport.describe()

    @property
    def connected(self) -> bool:
        """A live connection is open."""
        return self._conn is not None and self._conn.alive

    # -- lifecycle -------------------------------------------------------------

    async def connect(self) -> None:
        """Open the connection (if not open) and list the server's tools.

        Raises:
            MCPURLNotAllowedError: ``base_url`` is refused by the allow-list.
            MCPConnectionError: The server could not be started or reached.
        """
        await self._session()

    async def close(self) -> None:
        """Close the connection (a stdio server is stopped). Safe to call twice."""
        conn, self._conn = self._conn, None
        if conn is not None:
            await conn.stop()

    async def _session(self) -> Connection:
        loop = asyncio.get_running_loop()
        conn = self._conn
        if conn is not None and conn.loop is not loop:
            if conn.alive and conn.loop is not None and conn.loop.is_running():
                raise ConfigError(
                    f"{self!r} is connected in another event loop (thread); use it from "
                    "that loop, or close() it there and connect again here."
                )
            self._conn = None  # its loop is gone, and the connection with it
        elif conn is not None and conn.alive:
            return conn
        if self._lock is None or self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        async with self._lock:
            conn = self._conn
            if conn is not None and conn.alive:
                return conn
            if conn is not None:
                self._conn = None
                await conn.stop()
            if self.transport.name != "stdio" and self.verify_url:
                await check_url(
                    self.transport.url,
                    allow_private=self.allow_private_url,
                    allowed_hosts=self.allowed_hosts,
                )
            self._conn = await open_connection(
                self.transport,
                request_timeout=self.timeout,
                connect_timeout=self.connect_timeout,
                errlog=self.errlog,
            )
            self.connections_opened += 1
            return self._conn

    # -- requests --------------------------------------------------------------

    async def _request(
        self,
        what: str,
        call: Callable[[ClientSession], Awaitable[T]],
        seconds: float | None = None,
    ) -> T:
        """Run ``call`` on a live session; map transport failures to typed errors.

        An HTTP server that restarted no longer knows the session: it refuses
        the request before running it, so the client opens a new session and
        sends the request once more.
        """
        conn = await self._session()
        server = self.name
        try:
            try:
                return await call(conn.session)
            except MCPError as exc:
                if not _session_lost(exc):
                    raise
                await self._drop(conn)
                conn = await self._session()
                return await call(conn.session)
        except MCPError as exc:
            if exc.code == mt.REQUEST_TIMEOUT:
                raise MCPTimeoutError(
                    f"MCP server {server!r} did not answer {what} within "
                    f"{seconds or self.timeout}s; the request was cancelled. Try again, "
                    "or raise MCPClient(timeout=...).",
                    cause=exc,
                ) from exc
            if exc.code == mt.CONNECTION_CLOSED:
                await self._drop(conn)
                raise MCPConnectionError(
                    f"The connection to MCP server {server!r} closed during {what} "
                    "(did the server exit?). It reconnects on the next call; check whether "
                    "the call took effect before repeating it.",
                    cause=exc,
                ) from exc
            raise MCPResultError(
                f"MCP server {server!r} answered {what} with error {exc.code}: {exc.message}",
                cause=exc,
            ) from exc
        except pydantic.ValidationError as exc:
            raise MCPResultError(
                f"MCP server {server!r} sent a malformed answer to {what}: "
                f"{exc.error_count()} validation error(s), first: {exc.errors()[0]['msg']}. "
                "The server is broken; report it to its maintainers.",
                cause=exc,
            ) from exc
        except RuntimeError as exc:  # the SDK's structured-output check
            raise MCPResultError(
                f"MCP server {server!r} sent an invalid result for {what}: {exc}", cause=exc
            ) from exc
        except _BROKEN as exc:
            await self._drop(conn)
            raise MCPConnectionError(
                f"The connection to MCP server {server!r} failed during {what}: "
                f"{describe_error(exc)}. It reconnects on the next call.",
                cause=exc,
            ) from exc

    async def _drop(self, conn: Connection) -> None:
        if self._conn is conn:
            self._conn = None
        await conn.stop()

    @staticmethod
    async def _list_all_tools(session: ClientSession) -> list[mt.Tool]:
        return await every_page(session.list_tools, lambda page: page.tools)

    async def list_tools(self) -> list[mt.Tool]:
        """The server's tools (every page), refreshing what :meth:`to_locus_tools` uses."""
        tools = await self._request("tools/list", self._list_all_tools)
        if self._conn is not None:
            self._conn.tools = tools
        return tools

    async def list_prompts(self) -> list[mt.Prompt]:
        """The server's prompts (every page)."""
        return await self._request(
            "prompts/list", lambda s: every_page(s.list_prompts, lambda page: page.prompts)
        )

    async def get_prompt(
        self, name: str, arguments: Mapping[str, str] | None = None
    ) -> mt.GetPromptResult:
        """Render the prompt ``name`` with ``arguments``."""
        args = dict(arguments or {})
        return await self._request(
            f"prompts/get {name!r}", lambda s: s.get_prompt(name, arguments=args)
        )

    async def list_resources(self) -> list[mt.Resource]:
        """The server's resources (every page)."""
        return await self._request(
            "resources/list", lambda s: every_page(s.list_resources, lambda page: page.resources)
        )

    async def read_resource(self, uri: str) -> mt.ReadResourceResult:
        """Read the resource at ``uri``."""
        return await self._request(f"resources/read {uri!r}", lambda s: s.read_resource(uri))

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - sent to the SDK, which cancels the request
        progress: ProgressFnT | None = None,
    ) -> mt.CallToolResult:
        """Call the server's tool ``name`` (its own name, without the prefix).

        Args:
            name: The tool's name on the server.
            arguments: Its arguments (not validated here; locus tools validate first).
            timeout: Seconds for this call (default: the client's ``timeout``).
            progress: ``await progress(progress, total, message)`` for each progress
                notification the server sends.

        Returns:
            The server's result, ``isError`` included (see :meth:`to_locus_tools`
            for tools that raise on it).

        Raises:
            MCPTimeoutError: No answer in time (the request is cancelled).
            MCPConnectionError: The server died or the connection broke.
            MCPResultError: The server's answer is not a valid tool result.
        """
        args = dict(arguments or {})
        seconds = timeout if timeout is not None else self.timeout

        async def run(session: ClientSession) -> mt.CallToolResult:
            result = await session.call_tool(
                name, args, read_timeout_seconds=seconds, progress_callback=progress
            )
            if not isinstance(result, mt.CallToolResult):
                raise RuntimeError(f"expected a tool result, got {type(result).__name__}")
            return result

        return await self._request(f"tools/call {name!r}", run, seconds)

    # -- locus tools -----------------------------------------------------------

    def to_locus_tools(self) -> list[MCPTool]:
        """The server's tools as locus tools (from the listing of :meth:`connect`).

        Each validates the model's arguments against the tool's JSON schema
        before calling the server; a server-side error (``isError``), a
        timeout, a dead server or a malformed answer raises a typed error,
        which the agent hands back to the model as the tool's error result.
        Names get ``<prefix>_`` when the client has a ``prefix``.

        Raises:
            locus.core.errors.ConfigError: :meth:`connect` was not awaited first.
        """
        if self._conn is None:
            raise ConfigError(
                f"{self!r} is not connected: await client.connect() (or use "
                "`async with client:`) before to_locus_tools()."
            )
        return [self._locus_tool(remote) for remote in self._conn.tools]

    def tool_name(self, remote_name: str) -> str:
        """The locus name of the server's tool ``remote_name``.

        With the prefix, and with characters model APIs refuse in function
        names (MCP allows ``.`` and ``/``) replaced by ``_``, at most 64 long.
        """
        name = f"{self.prefix}_{remote_name}" if self.prefix else remote_name
        return _UNSAFE_NAME.sub("_", name)[:64]

    def _locus_tool(self, remote: mt.Tool) -> MCPTool:
        return MCPTool(self, remote, name=self.tool_name(remote.name))


def _session_lost(exc: MCPError) -> bool:
    """The server refused a request because it does not know the session (it restarted)."""
    text = exc.message.lower()
    return (
        exc.code == mt.INVALID_REQUEST
        and "session" in text
        and ("not found" in text or "terminated" in text)
    )
