"""RedisStore against the real server on 127.0.0.1:6379."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from locus.checkpoint.redis import RedisStore
from locus.memory import get_store
from locus.memory.store import BaseStore
from locus.testing import StoreConformance, service_unavailable

pytestmark = pytest.mark.redis

URL = "redis://127.0.0.1:6379/0"
PREFIX = f"locus-store-test-{uuid.uuid4().hex[:10]}:"


@pytest.fixture(scope="module", autouse=True)
def _server_and_cleanup() -> Any:
    import redis

    try:
        redis.Redis.from_url(URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        service_unavailable(f"Redis on 127.0.0.1:6379 is unreachable: {exc}")
    yield
    client = redis.Redis.from_url(URL)
    keys = list(client.scan_iter(match=f"{PREFIX}*"))
    if keys:
        client.delete(*keys)
    client.close()


class TestRedisStoreConformance(StoreConformance):
    async def make_store(self) -> BaseStore:
        return RedisStore.from_url(URL, prefix=PREFIX)


async def test_url_resolves_through_the_plugin_and_data_is_shared() -> None:
    writer = get_store(URL, prefix=PREFIX)
    reader = get_store(URL, prefix=PREFIX)
    assert isinstance(writer, RedisStore)
    ns = ("shared", uuid.uuid4().hex[:8])
    try:
        first = await writer.put(ns, "k", {"text": "tea", "n": [], "e": {}})
        second = await writer.put(ns, "k", {"text": "tea", "n": [], "e": {}})
        assert (first.version, second.version) == (1, 2)
        # empty lists and dicts survive (values never pass through Lua's cjson)
        assert await reader.get(ns, "k") == {"text": "tea", "n": [], "e": {}}
    finally:
        await writer.clear_namespace(ns)
        await writer.close()
        await reader.close()


async def test_expired_items_leave_the_index() -> None:
    import asyncio

    store = RedisStore.from_url(URL, prefix=PREFIX)
    ns = ("expire", uuid.uuid4().hex[:8])
    try:
        await store.put(ns, "gone", 1, ttl=0.2)
        await asyncio.sleep(0.5)
        assert await store.search(ns, limit=None) == []
        member = f'[["expire","{ns[1]}"],"gone"]'
        assert await store.client.zscore(f"{PREFIX}index", member) is None
    finally:
        await store.close()
