"""Fault injection for network-backed tests: a loopback TCP proxy you can break.

Point a client at :class:`FaultProxy` instead of the server, then change its
mode while the test runs:

- ``"pass"``: forward bytes both ways (optionally after :meth:`FaultProxy.delay`);
- ``"blackhole"``: accept connections and read, but never forward or answer
  (a stopped proxy or a dropped route with no RST: the client waits);
- ``"reset"``: accept and immediately reset new connections (RST);
- :meth:`FaultProxy.kill` resets every open connection (a server killed mid
  request).

A port nobody listens on (:func:`refused_port`) gives a refused connection.
The proxy runs its own event loop in a daemon thread, so it serves sync and
async clients and keeps working while the test's loop is blocked.

Example:
    >>> from locus.testing.faults import FaultProxy
    >>> with FaultProxy("127.0.0.1", 6379) as proxy:  # doctest: +SKIP
    ...     url = f"redis://127.0.0.1:{proxy.port}/0"
    ...     proxy.blackhole()
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
from types import TracebackType
from typing import Literal, Self

__all__ = ["FaultMode", "FaultProxy", "refused_port"]

FaultMode = Literal["pass", "blackhole", "reset"]

_CHUNK = 65536


def refused_port(host: str = "127.0.0.1") -> int:
    """A local TCP port with nothing listening on it (connecting is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
    return port


def _rst(writer: asyncio.StreamWriter) -> None:
    """Close with an RST instead of a FIN (SO_LINGER 0)."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """A loopback TCP proxy to ``upstream_host:upstream_port`` that can pass,
    blackhole, reset, delay and kill connections.

    Args:
        upstream_host: The real server's host.
        upstream_port: The real server's port.
        host: Address the proxy listens on.
        port: Port to listen on (``0``: a free one; read :attr:`port`).
    """

    def __init__(
        self, upstream_host: str, upstream_port: int, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.host = host
        self.port = port
        self.mode: FaultMode = "pass"
        self.latency = 0.0
        self.accepted = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.StreamWriter] = set()
        self._ready = threading.Event()

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> Self:
        """Start listening (idempotent); returns the proxy."""
        if self._thread is not None:
            return self
        self._thread = threading.Thread(target=self._run, name="locus-fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("FaultProxy did not start within 10 s")
        return self

    def stop(self) -> None:
        """Reset every connection and stop listening."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        self._thread = None
        self._loop = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- faults -----------------------------------------------------------------------

    def passthrough(self) -> None:
        """Forward traffic again (connections already open resume too)."""
        self.mode = "pass"
        self.latency = 0.0

    def blackhole(self) -> None:
        """Accept and read, never forward or answer: clients wait until their own timeout."""
        self.mode = "blackhole"

    def reset(self) -> None:
        """Reset new connections as soon as they are accepted."""
        self.mode = "reset"

    def delay(self, seconds: float) -> None:
        """Forward with ``seconds`` of added latency per chunk, each way."""
        self.mode = "pass"
        self.latency = seconds

    def kill(self) -> int:
        """Reset every open connection now (a server killed mid-request).

        Returns:
            How many connections were reset.
        """
        loop = self._loop
        if loop is None:
            return 0
        future = asyncio.run_coroutine_threadsafe(self._kill(), loop)
        return future.result(10)

    @property
    def open_connections(self) -> int:
        """Client connections currently open through the proxy."""
        return len(self._conns)

    # -- the proxy loop -------------------------------------------------------------

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        self._server = loop.run_until_complete(
            asyncio.start_server(self._serve, self.host, self.port)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _shutdown(self) -> None:
        self.mode = "pass"  # pumps stop at the next read instead of swallowing
        await self._kill()
        if self._server is not None:
            self._server.close()
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if others:  # connections end on their own once reset; do not cancel them
            await asyncio.wait(others, timeout=5)

    async def _kill(self) -> int:
        conns = list(self._conns)
        for writer in conns:
            _rst(writer)
        self._conns.clear()
        return len(conns)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self.mode == "reset":
            _rst(writer)
            return
        self._conns.add(writer)
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            if self.mode == "blackhole":  # nothing upstream: swallow until the client gives up
                await self._swallow(reader, writer)
                return
            self._conns.discard(writer)
            _rst(writer)
            return
        self._conns.add(up_writer)
        try:
            await asyncio.gather(
                self._pump(reader, up_writer, writer), self._pump(up_reader, writer, up_writer)
            )
        finally:
            for w in (writer, up_writer):
                self._conns.discard(w)
                w.transport.abort()

    async def _swallow(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.read(_CHUNK):
                pass
        except OSError:
            pass
        finally:
            self._conns.discard(writer)
            writer.transport.abort()

    async def _pump(
        self,
        source: asyncio.StreamReader,
        sink: asyncio.StreamWriter,
        peer: asyncio.StreamWriter,
    ) -> None:
        try:
            while True:
                data = await source.read(_CHUNK)
                if not data:
                    break
                if self.mode == "blackhole":
                    continue  # swallowed: nobody answers, nobody resets
                if self.latency:
                    await asyncio.sleep(self.latency)
                sink.write(data)
                await sink.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            if self.mode != "blackhole":
                peer.transport.abort()
                sink.transport.abort()
