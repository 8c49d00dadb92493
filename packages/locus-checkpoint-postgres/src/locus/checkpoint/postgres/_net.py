"""Bounded waits on a broken network: timeouts, keepalives and typed errors.

Every checkpointer call runs under :attr:`NetOptions.operation_timeout`
(the client-side bound: a blackholed server never answers, so only the client
can stop waiting); new connections under ``connect_timeout``; statements
under the server-side ``statement_timeout``; idle pooled connections are
probed by TCP keepalives. Each expiry is a
:class:`~locus.core.errors.CheckpointTimeoutError`, a refused or reset
connection a :class:`~locus.core.errors.CheckpointConnectionError`, both
naming the backend and the operation.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from locus.core.errors import (
    CheckpointConnectionError,
    CheckpointError,
    CheckpointTimeoutError,
    ValidationError,
)

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

__all__ = [
    "NetOptions",
    "Reachability",
    "bounded_connection",
    "classify",
    "connection_kwargs",
]

BACKEND = "postgres"

CONNECT_TIMEOUT = 5.0
"""Default seconds to open one connection."""
STATEMENT_TIMEOUT = 30.0
"""Default seconds one statement may run (server-side)."""
OPERATION_TIMEOUT = 30.0
"""Default seconds one checkpointer call may take end to end."""
KEEPALIVES_IDLE = 30
"""Default idle seconds before TCP keepalive probes start."""


@dataclass(frozen=True, slots=True)
class NetOptions:
    """Time bounds of a PostgreSQL checkpointer, in seconds (``None``: no bound).

    Attributes:
        connect_timeout: Opening one connection (libpq ``connect_timeout``).
        statement_timeout: One statement, enforced by the server.
        operation_timeout: One checkpointer call end to end, pool wait included.
        keepalives_idle: Idle seconds before TCP keepalive probes start.
    """

    connect_timeout: float | None = CONNECT_TIMEOUT
    statement_timeout: float | None = STATEMENT_TIMEOUT
    operation_timeout: float | None = OPERATION_TIMEOUT
    keepalives_idle: int = KEEPALIVES_IDLE

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "statement_timeout", "operation_timeout"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not value > 0):
                raise ValidationError(f"{name} must be a positive number of seconds or None")
        if self.keepalives_idle < 1:
            raise ValidationError("keepalives_idle must be >= 1 second")


def connection_kwargs(conninfo: str, net: NetOptions) -> dict[str, Any]:
    """libpq parameters for the pool's connections; values in ``conninfo`` win."""
    from psycopg.conninfo import conninfo_to_dict

    given = conninfo_to_dict(conninfo)
    wanted: dict[str, Any] = {
        "keepalives": 1,
        "keepalives_idle": net.keepalives_idle,
        "keepalives_interval": max(1, net.keepalives_idle // 3),
        "keepalives_count": 3,
    }
    if net.connect_timeout is not None:
        wanted["connect_timeout"] = max(1, round(net.connect_timeout))
    if net.operation_timeout is not None:  # unacknowledged data past this kills the socket
        wanted["tcp_user_timeout"] = int(net.operation_timeout * 1000)
    kwargs: dict[str, Any] = {"autocommit": True}
    kwargs.update({k: v for k, v in wanted.items() if k not in given})
    if net.statement_timeout is not None:
        option = f"-c statement_timeout={int(net.statement_timeout * 1000)}"
        kwargs["options"] = f"{given['options']} {option}" if given.get("options") else option
    return kwargs


def classify(exc: BaseException, doing: str, net: NetOptions) -> CheckpointError:
    """The typed error for a failure while ``doing`` something."""
    if isinstance(exc, CheckpointError):
        return exc
    where = f"PostgreSQL checkpointer: {doing}"
    try:
        import psycopg
        from psycopg_pool import PoolTimeout
    except ImportError:  # pragma: no cover - dependencies of this distribution
        return CheckpointError(f"{where} failed: {exc}", cause=exc)
    if isinstance(exc, PoolTimeout):
        return CheckpointTimeoutError(
            f"{where}: no database connection within {net.operation_timeout}s (the server is "
            "unreachable or every pooled connection is busy; raise operation_timeout or "
            "max_size, or check the network)",
            backend=BACKEND,
            operation=doing,
            timeout=net.operation_timeout,
            cause=exc,
        )
    if isinstance(exc, TimeoutError):
        return CheckpointTimeoutError(
            f"{where} did not finish within operation_timeout={net.operation_timeout}s (the "
            "server stopped answering; check the network or raise operation_timeout)",
            backend=BACKEND,
            operation=doing,
            timeout=net.operation_timeout,
            cause=exc,
        )
    if isinstance(exc, psycopg.errors.QueryCanceled):
        return CheckpointTimeoutError(
            f"{where}: the server cancelled the statement after statement_timeout="
            f"{net.statement_timeout}s ({exc})",
            backend=BACKEND,
            operation=doing,
            timeout=net.statement_timeout,
            cause=exc,
        )
    if isinstance(exc, psycopg.OperationalError):
        text = str(exc)
        if "timeout expired" in text:
            return CheckpointTimeoutError(
                f"{where}: could not connect within connect_timeout={net.connect_timeout}s "
                f"({text.strip()})",
                backend=BACKEND,
                operation=doing,
                timeout=net.connect_timeout,
                cause=exc,
            )
        return CheckpointConnectionError(
            f"{where}: the connection failed ({text.strip()}); retry once the server is "
            "reachable (a save cut off mid-way is committed whole or not at all: "
            "history() tells which)",
            backend=BACKEND,
            operation=doing,
            cause=exc,
        )
    return CheckpointError(f"{where} failed: {exc}", cause=exc)


class Reachability:
    """Direct connections while the pool cannot serve: fast failures, fast recovery.

    At start and after a call failed on the network the pool may be empty or
    backing off between reconnect attempts. While so, a call finding no idle
    pooled connection opens a direct connection instead (at most
    ``max_direct`` at a time; others wait on the pool): a refused port fails
    at once, and a healed network serves the next call at once. The first
    pooled connection that works ends this.
    """

    def __init__(self, conninfo: str | None, max_direct: int = 2) -> None:
        import asyncio
        import weakref

        self.conninfo = conninfo
        self.degraded = conninfo is not None
        self._slots = asyncio.Semaphore(max_direct)
        self.last_ok: weakref.WeakKeyDictionary[AsyncConnection[Any], float] = (
            weakref.WeakKeyDictionary()
        )
        """Pooled connection -> when a call last finished on it without error."""

    async def direct(self, pool: AsyncConnectionPool[Any]) -> AsyncConnection[Any] | None:
        """A direct connection when degraded and the pool has none idle, else ``None``.

        Raises:
            psycopg.OperationalError: the server refused or did not answer.
        """
        if not self.degraded or self.conninfo is None or self._slots.locked():
            return None
        if pool.get_stats().get("pool_available", 0):
            return None
        from psycopg import AsyncConnection

        await self._slots.acquire()
        try:
            kwargs: dict[str, Any] = pool.kwargs if isinstance(pool.kwargs, dict) else {}
            return await AsyncConnection.connect(self.conninfo, **kwargs)
        except BaseException:
            self._slots.release()
            raise

    async def close(self, conn: AsyncConnection[Any]) -> None:
        """Close a connection :meth:`direct` opened."""
        try:
            await conn.close()
        finally:
            self._slots.release()

    def forget(self) -> None:
        """A call just failed on the network: go direct until the pool works again."""
        if self.conninfo is not None:
            self.degraded = True


@contextlib.asynccontextmanager
async def bounded_connection(
    pool: AsyncConnectionPool[Any],
    reach: Reachability,
    net: NetOptions,
    doing: str,
    *,
    check: bool = True,
) -> AsyncIterator[AsyncConnection[Any]]:
    """A pooled connection, the whole block bounded by ``operation_timeout``.

    When the pool has no idle connection and the server was not reached in
    the last seconds, one direct connection attempt runs first (see
    :class:`Reachability`), so a refused port fails at once instead of after
    the pool's wait. With ``check`` a pooled connection answers an empty
    query before use, unless a call finished on it less than
    :data:`RECENT_OK` seconds ago and nothing (a reset, a close, a server's
    goodbye) arrived on its socket since; one the network killed is replaced.

    The deadline never cancels psycopg mid-query (it would then send a cancel
    request and wait up to 10 s more on a dead link): the connection's socket
    is shut down instead, so the call fails at the deadline and the pool drops
    the connection.

    Raises:
        locus.core.errors.CheckpointTimeoutError: a bound expired.
        locus.core.errors.CheckpointConnectionError: refused, reset or closed.
        locus.core.errors.CheckpointError: any other failure.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    timeout = net.operation_timeout
    deadline = None if timeout is None else loop.time() + timeout
    severed: list[bool] = []
    conn: AsyncConnection[Any] | None = None
    pooled = True
    try:
        conn, pooled = await _acquire(pool, reach, net, deadline, check)
        handle = None if deadline is None else loop.call_at(deadline, _sever, conn, severed)
        try:
            async with asyncio.timeout_at(None if deadline is None else deadline + _BACKSTOP):
                yield conn
        finally:
            if handle is not None:
                handle.cancel()
        if pooled:
            reach.last_ok[conn] = loop.time()
    except Exception as exc:
        if severed and not isinstance(exc, CheckpointError):
            exc = TimeoutError(f"operation_timeout={timeout}s expired")
        error = classify(exc, doing, net)
        if isinstance(error, CheckpointTimeoutError | CheckpointConnectionError):
            reach.forget()
        raise error from exc
    finally:
        if conn is not None:
            if pooled:
                await pool.putconn(conn)
            else:
                await reach.close(conn)


async def _acquire(
    pool: AsyncConnectionPool[Any],
    reach: Reachability,
    net: NetOptions,
    deadline: float | None,
    check: bool,
) -> tuple[AsyncConnection[Any], bool]:
    """A connection by ``deadline`` (checked alive when ``check``) and whether it is pooled."""
    import asyncio

    loop = asyncio.get_running_loop()
    async with asyncio.timeout_at(deadline):  # waits only: no query runs in here unsevered
        direct = await reach.direct(pool)
        if direct is not None:
            return direct, False
        while True:
            left = None if deadline is None else max(0.001, deadline - loop.time())
            conn: AsyncConnection[Any] = await pool.getconn(timeout=left)
            if not check or _recently_ok(conn, reach, loop.time()) or await _alive(conn, deadline):
                reach.degraded = False
                return conn, True
            await pool.putconn(conn)  # broken: the pool discards it


def _recently_ok(conn: AsyncConnection[Any], reach: Reachability, now: float) -> bool:
    """Whether ``conn`` served a call moments ago and nothing arrived on it since.

    An idle connection has nothing to read; a reset, a close or the server's
    goodbye (restart, ``pg_terminate_backend``) makes its socket readable. A
    zero-wait poll sees that without a round trip.
    """
    last = reach.last_ok.pop(conn, None)
    if last is None or now - last > RECENT_OK:
        return False
    import select

    try:
        readable, _, _ = select.select([conn.pgconn.socket], [], [], 0)
    except Exception:  # closed: no socket any more
        return False
    return not readable


async def _alive(conn: AsyncConnection[Any], deadline: float | None) -> bool:
    """Whether ``conn`` answers an empty query (severed shortly before ``deadline``)."""
    import asyncio

    loop = asyncio.get_running_loop()
    severed: list[bool] = []
    at = loop.time() + _CHECK_BOUND
    if deadline is not None:
        at = min(at, deadline - 0.05)
    handle = loop.call_at(at, _sever, conn, severed)
    try:
        await conn.execute("")
    except Exception:
        return False
    finally:
        handle.cancel()
    return True


RECENT_OK = 2.0
"""Seconds after a call finished on a connection during which the pre-use check
is a zero-wait poll of its socket instead of an empty query (one round trip)."""

_CHECK_BOUND = 2.0
"""Seconds an idle connection has to answer the pre-use check."""

_BACKSTOP = 5.0
"""Seconds past the deadline before cancelling outright, should severing not end the call."""


def _sever(conn: AsyncConnection[Any], severed: list[bool]) -> None:
    """Shut the connection's socket down: psycopg's pending wait fails at once."""
    import os
    import socket

    severed.append(True)
    try:
        fd = os.dup(conn.pgconn.socket)
    except Exception:  # already closed
        return
    with socket.socket(fileno=fd) as sock, contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
