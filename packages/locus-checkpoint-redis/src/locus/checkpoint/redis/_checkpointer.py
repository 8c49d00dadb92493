"""``RedisCheckpointer``: a hash per checkpoint, a sorted set per thread."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from locus.checkpoint import (
    BaseCheckpointer,
    CheckpointInfo,
    CheckpointRecord,
)
from locus.checkpoint._lease import ThreadLease
from locus.checkpoint.redis._cas import ACQUIRE, RELEASE, RENEW, STOP, WRITE_IF_HEAD
from locus.checkpoint.redis._net import (
    MAX_CONNECTIONS,
    OPERATION_TIMEOUT,
    POOL_TIMEOUT,
    SOCKET_CONNECT_TIMEOUT,
    SOCKET_TIMEOUT,
    NetOptions,
    classify,
    make_client,
)
from locus.checkpoint.redis._rows import INFO_FIELDS, RECORD_FIELDS, decode, expired, text
from locus.checkpoint.redis._scripts import READ, WRITE
from locus.core.errors import CheckpointError, ConfigError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisCheckpointer"]

_M = TypeVar("_M", bound=Callable[..., Awaitable[Any]])

_DOING = {
    "_write": "saving a checkpoint of",
    "_write_checked": "saving a checkpoint of",
    "_read": "loading",
    "_read_many": "loading",
    "_list": "listing",
    "_delete": "deleting from",
}


def _bounded(method: _M) -> _M:
    """Bound a primitive by ``operation_timeout``; an expiry is a typed timeout."""

    @functools.wraps(method)
    async def bounded(self: Any, *args: Any) -> Any:
        try:
            async with asyncio.timeout(self.net.operation_timeout):
                return await method(self, *args)
        except TimeoutError as exc:
            target = getattr(args[0], "thread_id", args[0]) if args else None
            doing = f"{_DOING.get(method.__name__, 'listing')} thread {target!r}"
            if not args:
                doing = "listing threads"
            raise classify(exc, doing, self.net) from exc

    return cast(_M, bounded)


class RedisCheckpointer(BaseCheckpointer):
    """Checkpoints in Redis (7.0+, single node or a primary).

    Layout under ``prefix``: ``idx:<len>:<thread>`` is a sorted set of the
    thread's checkpoint ids scored by a global sequence (history order);
    ``rec:<len>:<thread>:<id>`` is a hash holding one checkpoint; ``threads``
    is the set of thread ids; ``lease:<len>:<thread>`` is the hash of the run
    that owns the thread (expired by Redis at its ``exp``). Saves run as one
    Lua script (atomic parent link; compare-and-set saves check the head in
    the same script). With ``ttl`` Redis expires records itself (``PEXPIREAT``).

    Args:
        client: A ``redis.asyncio.Redis`` (you own it) — or use :meth:`from_url`.
        prefix: Key prefix, so several apps share one database.
        ttl: Seconds a checkpoint lives (``None``: forever).
        operation_timeout: Seconds one call may take end to end before
            :class:`~locus.core.errors.CheckpointTimeoutError` (``None``:
            unbounded). :meth:`from_url` also bounds connecting, replies and
            the pool wait; see ``docs/limits.md``.
        serde: Envelope codec.
    """

    backend_name: ClassVar[str] = "redis"
    assigns_parent: ClassVar[bool] = True
    concurrent_writers: ClassVar[bool] = True
    native_ttl: ClassVar[bool] = True
    shared_leases: ClassVar[bool] = True

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "locus:",
        operation_timeout: float | None = OPERATION_TIMEOUT,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        self.client = client
        self.net = NetOptions(operation_timeout=operation_timeout)
        self.prefix = prefix
        self._owns_client = False
        self._write_script = client.register_script(WRITE)
        self._read_script = client.register_script(READ)
        self._cas_script = client.register_script(WRITE_IF_HEAD)
        self._lease_scripts = {
            name: client.register_script(body)
            for name, body in (
                ("acquire", ACQUIRE),
                ("renew", RENEW),
                ("stop", STOP),
                ("release", RELEASE),
            )
        }

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        max_connections: int = MAX_CONNECTIONS,
        pool_timeout: float | None = POOL_TIMEOUT,
        socket_connect_timeout: float | None = SOCKET_CONNECT_TIMEOUT,
        socket_timeout: float | None = SOCKET_TIMEOUT,
        operation_timeout: float | None = OPERATION_TIMEOUT,
        redis_options: dict[str, Any] | None = None,
        **options: Any,
    ) -> RedisCheckpointer:
        """Build a checkpointer owning a client on ``url`` (closed by :meth:`aclose`).

        The client uses a blocking pool: beyond ``max_connections`` concurrent
        calls wait for a free connection (up to ``pool_timeout``) instead of
        failing with "Too many connections". Bounds are seconds; an expiry
        raises :class:`~locus.core.errors.CheckpointTimeoutError`, a refused
        or reset connection :class:`~locus.core.errors.CheckpointConnectionError`.
        Commands are not retried automatically.

        Args:
            url: ``redis://[:password@]host:port/db`` or ``rediss://`` for TLS.
            max_connections: Size of the connection pool.
            pool_timeout: Seconds a call waits for a free connection.
            socket_connect_timeout: Seconds to open a connection.
            socket_timeout: Seconds to wait for one reply.
            operation_timeout: Seconds one checkpointer call may take end to end.
            redis_options: More ``redis.asyncio`` connection options (TLS...).
            **options: ``prefix``, ``ttl``, ``serde``.

        Raises:
            locus.core.errors.ValidationError: a bound is not positive.
        """
        try:
            import redis.asyncio  # noqa: F401
        except ImportError as exc:  # pragma: no cover - a dependency of this distribution
            raise ConfigError(
                "RedisCheckpointer needs redis-py: pip install locus-checkpoint-redis", cause=exc
            ) from exc
        net = NetOptions(
            max_connections, pool_timeout, socket_connect_timeout, socket_timeout, operation_timeout
        )
        self = cls(
            make_client(url, net, **(redis_options or {})),
            operation_timeout=operation_timeout,
            **options,
        )
        self.net = net
        self._owns_client = True
        return self

    def _wrap(self, exc: Exception, doing: str) -> CheckpointError:
        return classify(exc, doing, self.net)

    async def aclose(self) -> None:
        """Close the client when this checkpointer created it."""
        if self._owns_client:
            await self.client.aclose()

    # -- keys ------------------------------------------------------------------------

    def _idx(self, thread_id: str) -> str:
        return f"{self.prefix}idx:{len(thread_id)}:{thread_id}"

    def _rec_prefix(self, thread_id: str) -> str:
        return f"{self.prefix}rec:{len(thread_id)}:{thread_id}:"

    @property
    def _threads_key(self) -> str:
        return f"{self.prefix}threads"

    # -- primitives ------------------------------------------------------------------

    def _save_keys_args(self, record: CheckpointRecord) -> tuple[list[str], list[Any]]:
        """KEYS and ARGV of the save scripts (see ``_scripts.WRITE``)."""
        keys = [
            self._idx(record.thread_id),
            self._rec_prefix(record.thread_id) + record.checkpoint_id,
            self._threads_key,
            f"{self.prefix}seq",
        ]
        args = [
            record.thread_id,
            record.checkpoint_id,
            record.payload,
            repr(record.created_at),
            "" if record.expires_at is None else repr(record.expires_at),
            record.schema_version,
            json.dumps(record.metadata) if record.metadata else "{}",
            "" if record.expires_at is None else str(int(record.expires_at * 1000)),
        ]
        return keys, args

    @_bounded
    async def _write(self, record: CheckpointRecord) -> None:
        keys, args = self._save_keys_args(record)
        try:
            await self._write_script(keys=keys, args=args)
        except Exception as exc:
            raise self._wrap(
                exc, f"saving checkpoint {record.checkpoint_id!r} of {record.thread_id!r}"
            ) from exc

    @_bounded
    async def _write_checked(self, record: CheckpointRecord, expected_parent: str | None) -> bool:
        keys, args = self._save_keys_args(record)
        args += [
            expected_parent or "",
            "1" if expected_parent is None else "0",
            self._rec_prefix(record.thread_id),
        ]
        try:
            result = await self._cas_script(keys=keys, args=args)
        except Exception as exc:
            raise self._wrap(exc, f"saving checkpoint {record.checkpoint_id!r}") from exc
        if isinstance(result, list):
            return False
        record.parent_id = expected_parent
        return True

    def _lease_key(self, thread_id: str) -> str:
        return f"{self.prefix}lease:{len(thread_id)}:{thread_id}"

    async def _run_lease(self, name: str, thread_id: str, *args: Any) -> Any:
        try:
            return await self._lease_scripts[name](keys=[self._lease_key(thread_id)], args=args)
        except Exception as exc:
            raise self._wrap(exc, f"running lease {name} of thread {thread_id!r}") from exc

    async def _lease_acquire(self, lease: ThreadLease) -> ThreadLease | None:
        held = await self._run_lease(
            "acquire",
            lease.thread_id,
            lease.owner,
            repr(lease.expires_at),
            int(lease.expires_at * 1000),
            repr(time.time()),
        )
        if not held:
            return None
        owner, expires, stop = (text(x) for x in held)
        return ThreadLease(lease.thread_id, owner, float(expires), stop or None)

    async def _lease_renew(
        self, thread_id: str, owner: str, expires_at: float
    ) -> ThreadLease | None:
        held = await self._run_lease(
            "renew", thread_id, owner, repr(expires_at), int(expires_at * 1000)
        )
        return (
            None if not held else ThreadLease(thread_id, owner, expires_at, text(held[0]) or None)
        )

    async def _lease_stop(self, thread_id: str, owner: str, mode: str) -> bool:
        return bool(await self._run_lease("stop", thread_id, owner, mode, repr(time.time())))

    async def _lease_release(self, thread_id: str, owner: str) -> None:
        await self._run_lease("release", thread_id, owner)

    @_bounded
    async def _read(self, thread_id: str, checkpoint_id: str | None) -> CheckpointRecord | None:
        try:
            row = await self._read_script(
                keys=[self._idx(thread_id)],
                args=[self._rec_prefix(thread_id), checkpoint_id or ""],
            )
        except Exception as exc:
            raise self._wrap(exc, f"loading thread {thread_id!r}") from exc
        if not row:
            return None
        cid, payload, *info = row
        return decode(thread_id, text(cid), info, text(payload))

    @_bounded
    async def _read_many(
        self, thread_id: str, checkpoint_ids: Sequence[str]
    ) -> list[CheckpointRecord]:
        """The records of ``checkpoint_ids`` in one round trip (a pipeline of ``HMGET``)."""
        ids = list(dict.fromkeys(checkpoint_ids))
        if not ids:
            return []
        rec = self._rec_prefix(thread_id)
        try:
            pipe = self.client.pipeline(transaction=False)
            for cid in ids:
                pipe.hmget(rec + cid, list(RECORD_FIELDS))
            rows = await pipe.execute()
        except Exception as exc:
            raise self._wrap(exc, f"loading thread {thread_id!r}") from exc
        return [
            decode(thread_id, cid, row[1:], text(row[0]))
            for cid, row in zip(ids, rows, strict=True)
            if row[0] is not None  # no payload: absent, or expired by Redis
        ]

    @_bounded
    async def _list(self, thread_id: str, limit: int | None) -> list[CheckpointInfo]:
        idx = self._idx(thread_id)
        rec = self._rec_prefix(thread_id)
        try:
            ids = [
                text(x)
                for x in await self.client.zrevrange(idx, 0, -1 if limit is None else limit - 1)
            ]
            if not ids:
                return []
            pipe = self.client.pipeline(transaction=False)
            for cid in ids:
                pipe.hmget(rec + cid, list(INFO_FIELDS))
            rows = await pipe.execute()
            gone = [cid for cid, row in zip(ids, rows, strict=True) if expired(row)]
            if gone:
                await self.client.zrem(idx, *gone)
        except Exception as exc:
            raise self._wrap(exc, f"listing thread {thread_id!r}") from exc
        return [
            decode(thread_id, cid, row, "").info()
            for cid, row in zip(ids, rows, strict=True)
            if not expired(row)
        ]

    @_bounded
    async def _delete(self, thread_id: str, checkpoint_ids: Sequence[str] | None) -> int:
        idx = self._idx(thread_id)
        rec = self._rec_prefix(thread_id)
        try:
            if checkpoint_ids is None:
                ids = [text(x) for x in await self.client.zrange(idx, 0, -1)]
            else:
                ids = list(checkpoint_ids)
            if not ids:
                return 0
            pipe = self.client.pipeline(transaction=True)
            pipe.zrem(idx, *ids)
            pipe.delete(*(rec + cid for cid in ids))
            pipe.zcard(idx)
            removed, _, left = await pipe.execute()
            if not left:
                await self.client.srem(self._threads_key, thread_id)
            return int(removed)
        except Exception as exc:
            raise self._wrap(exc, f"deleting from thread {thread_id!r}") from exc

    @_bounded
    async def _list_threads(self) -> list[str]:
        try:
            threads = [text(x) for x in await self.client.smembers(self._threads_key)]
            if not threads:
                return []
            pipe = self.client.pipeline(transaction=False)
            for t in threads:
                pipe.exists(self._idx(t))
            alive = await pipe.execute()
            dead = [t for t, ok in zip(threads, alive, strict=True) if not ok]
            if dead:
                await self.client.srem(self._threads_key, *dead)
        except Exception as exc:
            raise self._wrap(exc, "listing threads") from exc
        return [t for t, ok in zip(threads, alive, strict=True) if ok]
