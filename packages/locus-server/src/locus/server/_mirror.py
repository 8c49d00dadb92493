"""Streams readable from every server process: each run's event log mirrored to Redis.

Without a mirror a stream can be resumed (``Last-Event-ID``) only on the
process that ran it. With ``AgentServer(stream_mirror="redis://...")`` every
process copies its runs' events to a Redis stream (``XADD``, ids
``0-<seq+1>``) and any process sharing that Redis replays and follows a run it
does not hold (``XRANGE`` then blocking ``XREAD``), so a client may reconnect
through any instance behind a load balancer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from locus.core.errors import ConfigError
from locus.server._runs import RunLog

__all__ = ["RedisStreamMirror"]

log = logging.getLogger("locus.server")

_END = "end"
_LIVE_TTL = 600
"""Seconds the keys of a run in flight live without a new event (its process may have died)."""


class RedisStreamMirror:
    """Copy run logs to Redis streams and read them back from any process.

    Args:
        url: Redis URL (``redis://127.0.0.1:6379/0``).
        prefix: Key prefix (a stream ``<prefix><run>`` and a hash ``<prefix><run>:meta``).
        retention: Seconds a finished run's keys live.
        block_ms: How long one blocking read waits before checking again.
        connections: Redis connections this process uses at most; copies and
            reads wait their turn beyond that (each copy sends all the events
            that arrived meanwhile in one pipeline).
    """

    def __init__(
        self,
        url: str,
        *,
        prefix: str = "locus:sse:",
        retention: float = 120.0,
        block_ms: int = 1000,
        connections: int = 32,
    ) -> None:
        try:
            from redis.asyncio import Redis
        except ImportError as exc:  # pragma: no cover - an optional dependency
            raise ConfigError(
                "a Redis stream mirror needs redis: pip install 'locus-server[redis]'"
            ) from exc
        # redis-py's pool stalls when asked for more connections than it holds:
        # a semaphore keeps every caller within it
        self.redis: Any = Redis.from_url(
            url, decode_responses=True, max_connections=connections + 4
        )
        self._gate = asyncio.Semaphore(connections)
        self.prefix = prefix
        self.retention = max(1, int(retention))
        self.block_ms = block_ms
        self._tasks: set[asyncio.Task[None]] = set()

    def mirror(self, run: RunLog) -> None:
        """Start copying ``run`` (in a background task that follows its log)."""
        task = asyncio.get_running_loop().create_task(self._copy(run))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _copy(self, run: RunLog) -> None:
        stream = self.prefix + run.key
        meta = stream + ":meta"
        try:
            async with self._gate, self.redis.pipeline(transaction=False) as pipe:
                pipe.hset(meta, mapping={"owner": run.owner, "thread": run.thread})
                pipe.expire(meta, _LIVE_TTL)
                await pipe.execute()
            seq = 0
            while texts := await run.batch(seq):
                async with self._gate, self.redis.pipeline(transaction=False) as pipe:
                    for text in texts:  # the JSON of the event's SSE frame, encoded once
                        seq += 1
                        pipe.xadd(stream, {"data": text}, id=f"0-{seq}")
                    pipe.expire(stream, _LIVE_TTL)
                    pipe.expire(meta, _LIVE_TTL)
                    await pipe.execute()
            async with self._gate:
                await self.redis.xadd(stream, {_END: "1"}, id=f"0-{seq + 1}")
        except Exception as exc:  # the local stream goes on; only other processes miss it
            log.error("could not mirror stream %s to Redis: %s", run.key, exc)
        finally:
            with contextlib.suppress(Exception):
                async with self._gate:
                    await self.redis.expire(stream, self.retention)
                    await self.redis.expire(stream + ":meta", self.retention)

    async def meta(self, key: str) -> tuple[str, str] | None:
        """``(owner, scoped thread)`` of a mirrored run, or ``None``."""
        async with self._gate:
            found: dict[str, str] = await self.redis.hgetall(self.prefix + key + ":meta")
        if not found:
            return None
        return found.get("owner", ""), found.get("thread", "")

    async def follow(self, key: str, after: int) -> AsyncIterator[tuple[int, dict[str, Any]]]:
        """Events of run ``key`` with ``seq > after``, then live ones until the run ends."""
        stream = self.prefix + key
        last = f"0-{after + 1}"
        while True:
            async with self._gate:
                reply = await self.redis.xread({stream: last}, block=self.block_ms, count=500)
                alive = bool(reply) or bool(await self.redis.exists(stream + ":meta"))
            if not alive:
                return  # expired, or its process died before finishing
            if not reply:
                continue
            for entry_id, fields in reply[0][1]:
                if _END in fields:
                    return
                last = entry_id
                yield int(entry_id.split("-")[1]) - 1, json.loads(fields["data"])

    async def aclose(self) -> None:
        """Finish pending copies, then close the connection."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.redis.aclose()
