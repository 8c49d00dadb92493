"""``RedisStore``: the cross-thread :class:`~locus.memory.BaseStore` in Redis."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from locus.core.errors import ConfigError
from locus.memory.store import (
    BaseStore,
    Namespace,
    StoreCapabilities,
    StoreError,
    StoreItem,
    matches,
)

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisStore"]

# KEYS: item hash, index zset. ARGV: member, value json, now ms, metadata json, expire-at ms | ""
# Atomic: an overwrite keeps created_at and bumps version; an expired item starts over at 1.
_PUT = """
local created = redis.call('HGET', KEYS[1], 'c')
local version = 1
if created then
  version = tonumber(redis.call('HGET', KEYS[1], 'ver')) + 1
else
  created = ARGV[3]
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'm', ARGV[4], 'c', created, 'u', ARGV[3], 'ver', version)
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'x', ARGV[5])
  redis.call('PEXPIREAT', KEYS[1], ARGV[5])
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return {created, version}
"""

_FIELDS = ("v", "m", "c", "u", "ver", "x")


class RedisStore(BaseStore):
    """Items as Redis hashes (one per item, expired by Redis itself) plus one
    sorted-set index of ``(namespace, key)`` by update time.

    Writes are one Lua script (atomic version bump). Search walks the index
    newest first and filters in the client, so it reads every live item
    under the prefix: fine for per-user memories; for large corpora with
    heavy search use :class:`~locus.checkpoint.postgres.PostgresStore`.

    Args:
        client: A ``redis.asyncio.Redis`` (you own it) — or use :meth:`from_url`.
        prefix: Key prefix, so several apps share one database.
    """

    backend_name: ClassVar[str] = "redis"

    def __init__(self, client: Redis, *, prefix: str = "locus:store:") -> None:
        self.client = client
        self.prefix = prefix
        self._owns_client = False
        self._put_script = client.register_script(_PUT)

    @classmethod
    def from_url(cls, url: str, **options: Any) -> RedisStore:
        """A store owning a client on ``url`` (closed by :meth:`close`)."""
        try:
            from redis.asyncio import Redis
        except ImportError as exc:  # pragma: no cover - a dependency of this distribution
            raise ConfigError(
                "RedisStore needs redis-py: pip install locus-checkpoint-redis", cause=exc
            ) from exc
        store = cls(Redis.from_url(url), **options)
        store._owns_client = True
        return store

    @property
    def capabilities(self) -> StoreCapabilities:
        """Search (client-side), TTL (native), namespace listing."""
        return StoreCapabilities(search=True, ttl=True, list_namespaces=True)

    async def close(self) -> None:
        """Close the client when this store created it."""
        if self._owns_client:
            await self.client.aclose()

    @property
    def _index(self) -> str:
        return f"{self.prefix}index"

    def _key(self, member: str) -> str:
        return f"{self.prefix}item:{member}"

    async def _put(
        self,
        namespace: Namespace,
        key: str,
        value: Any,
        metadata: dict[str, Any],
        expires_at: datetime | None,
    ) -> StoreItem:
        member = _member(namespace, key)
        now = int(time.time() * 1000)
        expire = str(int(expires_at.timestamp() * 1000)) if expires_at else ""
        try:
            created, version = await self._put_script(
                keys=[self._key(member), self._index],
                args=[member, json.dumps(value), now, json.dumps(metadata), expire],
            )
        except Exception as exc:
            raise StoreError(f"Redis store write failed: {exc}", cause=exc) from exc
        return StoreItem(
            namespace=namespace,
            key=key,
            value=value,
            metadata=metadata,
            created_at=_ms(created),
            updated_at=_ms(now),
            version=int(version),
            expires_at=expires_at,
        )

    async def _get(self, namespace: Namespace, key: str) -> StoreItem | None:
        member = _member(namespace, key)
        try:
            raw = await self.client.hmget(self._key(member), list(_FIELDS))
        except Exception as exc:
            raise StoreError(f"Redis store read failed: {exc}", cause=exc) from exc
        return _item(namespace, key, raw)

    async def _delete(self, namespace: Namespace, key: str) -> bool:
        member = _member(namespace, key)
        try:
            async with self.client.pipeline(transaction=True) as pipe:
                pipe.delete(self._key(member))
                pipe.zrem(self._index, member)
                deleted, _ = await pipe.execute()
        except Exception as exc:
            raise StoreError(f"Redis store delete failed: {exc}", cause=exc) from exc
        return bool(deleted)

    async def _live_under(self, prefix: Namespace) -> list[StoreItem]:
        """Live items under ``prefix``, newest update first; drops index entries of expired ones."""
        try:
            members = [
                m.decode() if isinstance(m, bytes) else str(m)
                for m in await self.client.zrevrange(self._index, 0, -1)
            ]
            wanted = []
            for member in members:
                namespace, key = _parse(member)
                if namespace[: len(prefix)] == prefix:
                    wanted.append((member, namespace, key))
            if not wanted:
                return []
            async with self.client.pipeline(transaction=False) as pipe:
                for member, _, _ in wanted:
                    pipe.hmget(self._key(member), list(_FIELDS))
                rows = await pipe.execute()
            items, gone = [], []
            for (member, namespace, key), raw in zip(wanted, rows, strict=True):
                item = _item(namespace, key, raw)
                if item is None:
                    gone.append(member)
                else:
                    items.append(item)
            if gone:
                await self.client.zrem(self._index, *gone)
        except Exception as exc:
            raise StoreError(f"Redis store search failed: {exc}", cause=exc) from exc
        return items

    async def _search(
        self,
        prefix: Namespace,
        query: str | None,
        filter: Mapping[str, Any] | None,
        limit: int | None,
        offset: int,
    ) -> list[StoreItem]:
        found = [i for i in await self._live_under(prefix) if matches(i, query, filter)]
        end = None if limit is None else offset + limit
        return found[offset:end]

    async def _list_namespaces(self, prefix: Namespace) -> list[Namespace]:
        return sorted({item.namespace for item in await self._live_under(prefix)})


def _member(namespace: Namespace, key: str) -> str:
    return json.dumps([list(namespace), key], ensure_ascii=False, separators=(",", ":"))


def _parse(member: str) -> tuple[Namespace, str]:
    namespace, key = json.loads(member)
    return tuple(namespace), str(key)


def _ms(value: Any) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000, UTC)


def _item(namespace: Namespace, key: str, raw: list[Any]) -> StoreItem | None:
    value, metadata, created, updated, version, expires = raw
    if value is None or (expires is not None and int(expires) <= time.time() * 1000):
        return None
    return StoreItem(
        namespace=namespace,
        key=key,
        value=json.loads(value),
        metadata=json.loads(metadata) if metadata else {},
        created_at=_ms(created),
        updated_at=_ms(updated),
        version=int(version),
        expires_at=_ms(expires) if expires is not None else None,
    )
