"""A stand-in LangGraph saver on plain Redis, for ``bench_checkpoint.py``.

LangGraph's ``AsyncRedisSaver`` needs the RediSearch and RedisJSON modules
(Redis Stack); on a plain Redis server it fails at ``FT.INFO``. This saver
keeps ``InMemorySaver``'s layout (checkpoint without its channel values, one
blob per channel version, metadata; all through the saver's own serializer)
in plain Redis keys, with one round trip per ``aput`` (a pipeline) and three
per ``aget_tuple`` (the latest id, the checkpoint, its blobs). It does what
LangGraph's savers do per turn, no more: it is only a peer for the benchmark.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from typing import Any

from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    CheckpointTuple,
    get_checkpoint_id,
    get_checkpoint_metadata,
)
from langgraph.checkpoint.memory import InMemorySaver


class PlainRedisSaver(BaseCheckpointSaver[str]):
    """``InMemorySaver``'s storage layout in plain Redis keys (benchmark peer)."""

    def __init__(self, client: Any, prefix: str) -> None:
        super().__init__()
        self.client = client
        self.prefix = prefix

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(cls, url: str) -> AsyncIterator[PlainRedisSaver]:
        import uuid

        from redis.asyncio import Redis

        client = Redis.from_url(url)
        saver = cls(client, f"lg-standin-{uuid.uuid4().hex[:8]}:")
        try:
            yield saver
        finally:
            keys = [k async for k in client.scan_iter(match=f"{saver.prefix}*")]
            if keys:
                await client.delete(*keys)
            await client.aclose()

    get_next_version = InMemorySaver.get_next_version

    def _key(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    async def aput(
        self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any
    ) -> dict[str, Any]:
        c = checkpoint.copy()
        thread = config["configurable"]["thread_id"]
        ns = config["configurable"]["checkpoint_ns"]
        values: dict[str, Any] = c.pop("channel_values")
        pipe = self.client.pipeline(transaction=True)
        for channel, version in new_versions.items():
            kind, data = (
                self.serde.dumps_typed(values[channel]) if channel in values else ("empty", b"")
            )
            pipe.hset(self._key("blob", thread, ns, channel, str(version)), mapping={kind: data})
        kind, data = self.serde.dumps_typed(c)
        mkind, mdata = self.serde.dumps_typed(get_checkpoint_metadata(config, metadata))
        parent = config["configurable"].get("checkpoint_id") or ""
        record = {"k": kind, "c": data, "mk": mkind, "m": mdata, "parent": parent}
        pipe.hset(self._key("ckpt", thread, ns, checkpoint["id"]), mapping=record)
        pipe.zadd(self._key("idx", thread, ns), {checkpoint["id"]: time.time()})
        await pipe.execute()
        return {
            "configurable": {"thread_id": thread, "checkpoint_ns": ns, "checkpoint_id": c["id"]}
        }

    async def aget_tuple(self, config: Any) -> CheckpointTuple | None:
        thread = config["configurable"]["thread_id"]
        ns = config["configurable"].get("checkpoint_ns", "")
        cid = get_checkpoint_id(config)
        if not cid:
            top = await self.client.zrevrange(self._key("idx", thread, ns), 0, 0)
            if not top:
                return None
            cid = top[0].decode()
        raw = await self.client.hgetall(self._key("ckpt", thread, ns, cid))
        if not raw:
            return None
        checkpoint = self.serde.loads_typed((raw[b"k"].decode(), raw[b"c"]))
        pipe = self.client.pipeline(transaction=False)
        channels = list(checkpoint["channel_versions"].items())
        for channel, version in channels:
            pipe.hgetall(self._key("blob", thread, ns, channel, str(version)))
        values = {}
        for (channel, _), blob in zip(channels, await pipe.execute(), strict=True):
            ((kind, data),) = blob.items()
            if kind != b"empty":
                values[channel] = self.serde.loads_typed((kind.decode(), data))
        parent = raw[b"parent"].decode()
        return CheckpointTuple(
            config={
                "configurable": {"thread_id": thread, "checkpoint_ns": ns, "checkpoint_id": cid}
            },
            checkpoint={**checkpoint, "channel_values": values},
            metadata=self.serde.loads_typed((raw[b"mk"].decode(), raw[b"m"])),
            parent_config=(
                {
                    "configurable": {
                        "thread_id": thread,
                        "checkpoint_ns": ns,
                        "checkpoint_id": parent,
                    }
                }
                if parent
                else None
            ),
            pending_writes=[],
        )

    async def adelete_thread(self, thread_id: str) -> None:
        keys = [k async for k in self.client.scan_iter(match=f"{self.prefix}*:{thread_id}:*")]
        if keys:
            await self.client.delete(*keys)
