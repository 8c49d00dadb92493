"""Where an MCP server is and how to open a connection to it (stdio, Streamable HTTP, SSE)."""

from __future__ import annotations

import shlex
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import urlsplit, urlunsplit

import httpx2
from mcp.client.sse import sse_client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._stream_protocols import ReadStream, WriteStream
from mcp.shared.message import SessionMessage

from locus.core.errors import ConfigError

__all__ = ["Transport", "TransportName", "open_streams", "transport_for"]

TransportName = Literal["stdio", "streamable-http", "sse"]
Streams = tuple[ReadStream[SessionMessage | Exception], WriteStream[SessionMessage]]


@dataclass(frozen=True)
class Transport:
    """A resolved connection target.

    Attributes:
        name: ``stdio``, ``streamable-http`` or ``sse``.
        command: The server command line (stdio).
        url: The endpoint URL (HTTP transports).
        headers: Extra HTTP headers (the bearer token goes here).
        env: Extra environment variables for a stdio server.
        cwd: Working directory of a stdio server.
        verify_ssl: Verify TLS certificates.
        timeout: Seconds for HTTP connect/write (reads wait as long as a call may).
    """

    name: TransportName
    command: tuple[str, ...] = ()
    url: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    env: Mapping[str, str] | None = None
    cwd: str | Path | None = None
    verify_ssl: bool = True
    timeout: float = 30.0

    def describe(self) -> str:
        """``stdio: python server.py`` or the URL (without credentials), for messages."""
        if self.name == "stdio":
            return f"stdio: {shlex.join(self.command)}"
        parts = urlsplit(self.url)
        if parts.username or parts.password:
            host = parts.hostname or ""
            netloc = f"{host}:{parts.port}" if parts.port else host
            return urlunsplit(parts._replace(netloc=netloc))
        return self.url


def transport_for(
    server_command: str | Sequence[str] | None,
    base_url: str | None,
    transport: TransportName | None,
    *,
    headers: Mapping[str, str],
    env: Mapping[str, str] | None,
    cwd: str | Path | None,
    verify_ssl: bool,
    timeout: float,
) -> Transport:
    """Resolve the constructor arguments of :class:`MCPClient` into a :class:`Transport`.

    Raises:
        ConfigError: Neither or both of ``server_command`` and ``base_url``, or a
            transport that does not fit them.
    """
    if (server_command is None) == (base_url is None):
        raise ConfigError(
            "MCPClient needs exactly one of server_command (a stdio server to spawn, e.g. "
            "'python server.py') or base_url (an HTTP server, e.g. 'https://host/mcp')."
        )
    if server_command is not None:
        command = tuple(
            shlex.split(server_command) if isinstance(server_command, str) else server_command
        )
        if not command:
            raise ConfigError("MCPClient server_command is empty; give the command to run.")
        if transport not in (None, "stdio"):
            raise ConfigError(
                f"server_command runs a stdio server; transport={transport!r} needs base_url."
            )
        return Transport("stdio", command=command, env=env, cwd=cwd)
    assert base_url is not None
    if transport == "stdio":
        raise ConfigError("transport='stdio' needs server_command, not base_url.")
    if transport is None:
        path = urlsplit(base_url).path.rstrip("/")
        transport = "sse" if path.endswith("/sse") else "streamable-http"
    return Transport(
        transport, url=base_url, headers=dict(headers), verify_ssl=verify_ssl, timeout=timeout
    )


def _http_timeout(seconds: float) -> httpx2.Timeout:
    # a call may stream for a long time: the client's per-call timeout bounds reads
    return httpx2.Timeout(seconds, read=None)


@asynccontextmanager
async def open_streams(
    transport: Transport,
    errlog: TextIO | None = None,
    http_errors: list[int] | None = None,
) -> AsyncIterator[Streams]:
    """Open the transport's message streams (spawning a stdio server; closed on exit).

    ``http_errors`` collects the status of every HTTP error response, so a
    failed handshake can say "HTTP 401" instead of the SDK's generic message.
    """
    statuses = http_errors if http_errors is not None else []

    async def record(response: httpx2.Response) -> None:
        if response.status_code >= 400:
            statuses.append(response.status_code)

    hooks: dict[str, list[Any]] = {"response": [record]}
    async with AsyncExitStack() as stack:
        if transport.name == "stdio":
            params = StdioServerParameters(
                command=transport.command[0],
                args=list(transport.command[1:]),
                env=dict(transport.env) if transport.env is not None else None,
                cwd=transport.cwd,
            )
            streams = await stack.enter_async_context(stdio_client(params, errlog or sys.stderr))
        elif transport.name == "streamable-http":
            http = await stack.enter_async_context(
                httpx2.AsyncClient(
                    headers=dict(transport.headers),
                    timeout=_http_timeout(transport.timeout),
                    verify=transport.verify_ssl,
                    event_hooks=hooks,
                )
            )
            streams = await stack.enter_async_context(
                streamable_http_client(transport.url, http_client=http)
            )
        else:
            verify = transport.verify_ssl

            def factory(
                headers: dict[str, str] | None = None,
                timeout: httpx2.Timeout | None = None,
                auth: httpx2.Auth | None = None,
            ) -> httpx2.AsyncClient:
                return httpx2.AsyncClient(
                    headers=headers, timeout=timeout, auth=auth, verify=verify, event_hooks=hooks
                )

            options: dict[str, Any] = {
                "headers": dict(transport.headers),
                "timeout": transport.timeout,
            }
            streams = await stack.enter_async_context(
                sse_client(transport.url, httpx_client_factory=factory, **options)
            )
        yield streams[0], streams[1]
