"""Helpers of the locus-mcp tests: test servers' paths, free ports, HTTP server subprocesses."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

from mcp import ClientSession

SERVERS = Path(__file__).parent / "servers"
PY = sys.executable


def script(name: str) -> list[str]:
    """The command line running the test server ``name``."""
    return [PY, str(SERVERS / name)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"server did not listen on {port} within {timeout}s")


@contextmanager
def http_server(command: list[str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` (an HTTP server on ``port``) until the block ends."""
    proc = subprocess.Popen(command, cwd=SERVERS, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@asynccontextmanager
async def owned_session(
    open_streams: Callable[[AsyncExitStack], Awaitable[tuple[Any, Any]]],
) -> AsyncIterator[ClientSession]:
    """An official-SDK ClientSession whose contexts live in a task of their own.

    anyio scopes must exit in the task that entered them; pytest may finalise
    a module fixture in another task, so a helper task owns them here.
    """
    ready: asyncio.Future[ClientSession] = asyncio.get_running_loop().create_future()
    stop = asyncio.Event()

    async def own() -> None:
        try:
            async with AsyncExitStack() as stack:
                read, write = await open_streams(stack)
                session = await stack.enter_async_context(ClientSession(read, write))
                await session.initialize()
                ready.set_result(session)
                await stop.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    task = asyncio.ensure_future(own())
    try:
        yield await ready
    finally:
        stop.set()
        await task
