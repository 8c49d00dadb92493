"""Bounded waits on a broken network: a blocking pool, socket timeouts, typed errors.

:meth:`RedisCheckpointer.from_url` builds its client on a
``BlockingConnectionPool``: when every connection is busy a call waits for
one (up to ``pool_timeout``) instead of failing with "Too many connections".
Reads are bounded by ``socket_timeout``, connecting by
``socket_connect_timeout``, each checkpointer call by ``operation_timeout``;
TCP keepalives and a health check find dead idle connections. Each expiry is
a :class:`~locus.core.errors.CheckpointTimeoutError`, a refused or reset
connection a :class:`~locus.core.errors.CheckpointConnectionError`, both
naming the backend and the operation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from locus.core.errors import (
    CheckpointConnectionError,
    CheckpointError,
    CheckpointTimeoutError,
    ValidationError,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = [
    "MAX_CONNECTIONS",
    "OPERATION_TIMEOUT",
    "POOL_TIMEOUT",
    "SOCKET_CONNECT_TIMEOUT",
    "SOCKET_TIMEOUT",
    "NetOptions",
    "classify",
    "make_client",
]

BACKEND = "redis"

MAX_CONNECTIONS = 50
"""Default connections of the pool (calls beyond it wait for a free one)."""
POOL_TIMEOUT = 20.0
"""Default seconds a call waits for a free pooled connection."""
SOCKET_CONNECT_TIMEOUT = 5.0
"""Default seconds to open one connection."""
SOCKET_TIMEOUT = 10.0
"""Default seconds to wait for one reply."""
OPERATION_TIMEOUT = 30.0
"""Default seconds one checkpointer call may take end to end."""


@dataclass(frozen=True, slots=True)
class NetOptions:
    """Bounds of a Redis checkpointer, in seconds (``None``: no bound)."""

    max_connections: int = MAX_CONNECTIONS
    pool_timeout: float | None = POOL_TIMEOUT
    socket_connect_timeout: float | None = SOCKET_CONNECT_TIMEOUT
    socket_timeout: float | None = SOCKET_TIMEOUT
    operation_timeout: float | None = OPERATION_TIMEOUT

    def __post_init__(self) -> None:
        if self.max_connections < 1:
            raise ValidationError(f"max_connections must be >= 1, got {self.max_connections}")
        names = ("pool_timeout", "socket_connect_timeout", "socket_timeout", "operation_timeout")
        for name in names:
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not value > 0):
                raise ValidationError(f"{name} must be a positive number of seconds or None")


def make_client(url: str, net: NetOptions, **redis_options: Any) -> Redis:
    """A ``redis.asyncio.Redis`` on a blocking pool with ``net``'s bounds.

    No automatic command retries: a save cut off by a reset is reported, not
    silently sent again. ``redis_options`` (``ssl_ca_certs``...) go to the
    connections and win over the defaults.
    """
    from redis.asyncio import BlockingConnectionPool, Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    options: dict[str, Any] = {
        "socket_connect_timeout": net.socket_connect_timeout,
        "socket_timeout": net.socket_timeout,
        "socket_keepalive": True,
        "health_check_interval": 5,
        "retry": Retry(NoBackoff(), 0),
    }
    options.update(redis_options)
    pool = BlockingConnectionPool.from_url(
        url, max_connections=net.max_connections, timeout=net.pool_timeout, **options
    )
    return Redis(connection_pool=pool)


def classify(exc: BaseException, doing: str, net: NetOptions) -> CheckpointError:
    """The typed error for a failure while ``doing`` something."""
    if isinstance(exc, CheckpointError):
        return exc
    where = f"Redis checkpointer: {doing}"
    try:
        from redis import exceptions as rx
    except ImportError:  # pragma: no cover - a dependency of this distribution
        return CheckpointError(f"{where} failed: {exc}", cause=exc)
    if isinstance(exc, rx.TimeoutError):
        return CheckpointTimeoutError(
            f"{where}: the server did not answer within socket_timeout={net.socket_timeout}s "
            f"(connect: socket_connect_timeout={net.socket_connect_timeout}s) ({exc}); check "
            "the network or raise the timeouts",
            backend=BACKEND,
            operation=doing,
            timeout=net.socket_timeout,
            cause=exc,
        )
    if isinstance(exc, rx.ConnectionError) and "No connection available" in str(exc):
        return CheckpointTimeoutError(
            f"{where}: no free connection within pool_timeout={net.pool_timeout}s (all "
            f"{net.max_connections} are busy; raise max_connections or pool_timeout)",
            backend=BACKEND,
            operation=doing,
            timeout=net.pool_timeout,
            cause=exc,
        )
    if isinstance(exc, rx.ConnectionError):
        return CheckpointConnectionError(
            f"{where}: the connection failed ({exc}); retry once the server is reachable "
            "(a save is one atomic script: it happened whole or not at all)",
            backend=BACKEND,
            operation=doing,
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
    return CheckpointError(f"{where} failed: {exc}", cause=exc)
