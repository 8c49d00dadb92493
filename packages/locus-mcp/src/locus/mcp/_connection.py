"""One live MCP session: a task that owns the transport and the ``ClientSession``.

anyio scopes must be exited by the task that entered them, and a session is
used by many tasks (concurrent tool calls), so a task of its own opens the
transport and the session, completes the handshake, lists the tools, then
waits until asked to stop (or until its event loop ends, which stops a stdio
server too).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO, TypeVar

import mcp.types as mt
from mcp import ClientSession

from locus.mcp._errors import MCPConnectionError
from locus.mcp._transport import Transport, open_streams

__all__ = ["Connection", "describe_error", "every_page", "open_connection"]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")


@dataclass
class Connection:
    """A live session and what the handshake and listing returned."""

    session: ClientSession
    stop_event: asyncio.Event
    server_info: mt.Implementation | None = None
    tools: list[mt.Tool] = field(default_factory=list)
    task: asyncio.Task[None] | None = None
    loop: asyncio.AbstractEventLoop | None = None

    @property
    def alive(self) -> bool:
        """The owning task runs and was not asked to stop."""
        return self.task is not None and not self.task.done() and not self.stop_event.is_set()

    async def stop(self) -> None:
        """Close the session and the transport (a stdio server is stopped)."""
        self.stop_event.set()
        if self.task is not None and self.task is not asyncio.current_task():
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self.task


async def every_page(
    fetch: Callable[..., Awaitable[PageT]], items: Callable[[PageT], Sequence[ItemT]]
) -> list[ItemT]:
    """Follow ``next_cursor`` through every page of a paginated MCP list request."""
    out: list[ItemT] = []
    cursor: str | None = None
    while True:
        params = mt.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = await fetch(params=params)
        out.extend(items(page))
        cursor = getattr(page, "next_cursor", None)
        if not cursor:
            return out


def describe_error(exc: BaseException) -> str:
    """``Type: message``, flattening exception groups."""
    if isinstance(exc, BaseExceptionGroup):
        return "; ".join(describe_error(e) for e in exc.exceptions)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def open_connection(
    transport: Transport,
    *,
    request_timeout: float,
    connect_timeout: float,
    errlog: TextIO | None = None,
) -> Connection:
    """Start the owning task and wait for the handshake and the tool listing.

    Raises:
        MCPConnectionError: The server could not be started or reached, or did
            not finish the handshake within ``connect_timeout``.
    """
    ready: asyncio.Future[Connection] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()
    task = asyncio.create_task(
        _own(transport, request_timeout, errlog, ready, stop), name=f"mcp:{transport.describe()}"
    )
    try:
        conn = await asyncio.wait_for(asyncio.shield(ready), connect_timeout)
    except TimeoutError as exc:
        stop.set()
        task.cancel()
        raise MCPConnectionError(
            f"MCP server {transport.describe()} did not complete the handshake within "
            f"{connect_timeout}s. Check that it is an MCP server and that it starts "
            "quickly (or raise connect_timeout).",
            cause=exc,
        ) from exc
    except BaseException:
        stop.set()
        raise
    conn.task = task
    conn.loop = asyncio.get_running_loop()
    return conn


async def _own(
    transport: Transport,
    request_timeout: float,
    errlog: TextIO | None,
    ready: asyncio.Future[Connection],
    stop: asyncio.Event,
) -> None:
    http_errors: list[int] = []
    try:
        async with (
            open_streams(transport, errlog, http_errors) as (read, write),
            ClientSession(read, write, read_timeout_seconds=request_timeout) as session,
        ):
            init = await session.initialize()
            conn = Connection(session=session, stop_event=stop, server_info=init.server_info)
            conn.tools = await every_page(session.list_tools, lambda page: page.tools)
            ready.set_result(conn)
            await stop.wait()
    except BaseException as exc:
        if not ready.done():
            ready.set_exception(_connect_error(transport, exc, http_errors))
            ready.exception()  # retrieved by open_connection(); avoid "never retrieved"
        if not isinstance(exc, Exception):
            raise
    finally:
        stop.set()


def _connect_error(
    transport: Transport, exc: BaseException, http_errors: list[int]
) -> BaseException:
    if isinstance(exc, MCPConnectionError | asyncio.CancelledError):
        return exc
    if http_errors and http_errors[-1] in (401, 403):
        hint = (
            f"the server refused the credentials (HTTP {http_errors[-1]}). "
            "Check access_token (sent as a bearer token) or the headers"
        )
    elif http_errors:
        hint = f"HTTP {http_errors[-1]} ({describe_error(exc)}). Check the URL"
    else:
        hint = f"{describe_error(exc)}. Check the command or URL, and that the server speaks MCP"
    return MCPConnectionError(
        f"Could not connect to MCP server {transport.describe()}: {hint}.", cause=exc
    )
