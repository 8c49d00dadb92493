"""RedisCheckpointer on a broken network and under load (issue #10).

Seen before the fix: ``from_url`` with redis-py's default pool failed 100 of
200 concurrent runs with "Too many connections". Each network fault must now
end in a typed error within the configured bounds, then recover.
"""

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from locus import Agent
from locus.checkpoint import BaseCheckpointer
from locus.checkpoint.redis import RedisCheckpointer
from locus.core.errors import CheckpointTimeoutError, ValidationError
from locus.models import ScriptedModel
from locus.testing import FaultProxy, NetworkFaultConformance, service_unavailable

pytestmark = pytest.mark.redis

PREFIX = f"locus-fault-{uuid.uuid4().hex[:10]}:"
URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(scope="module", autouse=True)
def _server_and_cleanup() -> Iterator[None]:
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


class TestRedisNetworkFaults(NetworkFaultConformance):
    upstream = ("127.0.0.1", 6379)
    backend = "redis"

    async def make_checkpointer(
        self, host: str, port: int, *, operation_timeout: float, **options: Any
    ) -> BaseCheckpointer:
        return RedisCheckpointer.from_url(
            f"redis://{host}:{port}/0",
            prefix=PREFIX,
            socket_connect_timeout=operation_timeout,
            socket_timeout=operation_timeout,
            pool_timeout=operation_timeout,
            operation_timeout=operation_timeout,
            **options,
        )


async def test_200_concurrent_runs_on_a_default_checkpointer() -> None:
    # seen: the default pool failed 100 of 200 runs with "Too many connections"
    cp = RedisCheckpointer.from_url(URL, prefix=PREFIX)
    runs = 200

    async def one(i: int) -> str:
        agent = Agent(model=ScriptedModel([f"answer {i}"]), checkpointer=cp)
        return (await agent.invoke(f"q{i}", thread_id=f"load-{i}")).text

    texts = await asyncio.wait_for(asyncio.gather(*(one(i) for i in range(runs))), 120)
    assert texts == [f"answer {i}" for i in range(runs)]
    for i in (0, runs // 2, runs - 1):
        state = await cp.load(f"load-{i}")
        assert state is not None
        assert state.status == "completed"
    await cp.aclose()


async def test_pool_wait_past_its_bound_is_a_typed_timeout() -> None:
    cp = RedisCheckpointer.from_url(URL, prefix=PREFIX, max_connections=1, pool_timeout=0.2)
    held = await cp.client.connection_pool.get_connection()
    try:
        with pytest.raises(CheckpointTimeoutError, match=r"pool_timeout=0\.2s") as info:
            await cp.load("t")
        assert info.value.backend == "redis"
    finally:
        await cp.client.connection_pool.release(held)
        await cp.aclose()


async def test_an_agent_run_on_a_blackholed_store_fails_typed_and_bounded() -> None:
    with FaultProxy("127.0.0.1", 6379) as proxy:
        cp = RedisCheckpointer.from_url(
            f"redis://{proxy.host}:{proxy.port}/0", prefix=PREFIX, socket_timeout=1.0
        )
        agent = Agent(model=ScriptedModel(["hi", "again"]), checkpointer=cp)
        assert (await agent.invoke("hello", thread_id="bh")).text == "hi"
        proxy.blackhole()
        with pytest.raises(CheckpointTimeoutError, match=r"socket_timeout=1\.0s"):
            await agent.invoke("more", thread_id="bh")
        proxy.passthrough()
        assert (await agent.invoke("more", thread_id="bh")).text == "again"
        await cp.aclose()


def test_defaults_are_seconds_and_overridable() -> None:
    cp = RedisCheckpointer.from_url(URL, prefix=PREFIX)
    pool = cp.client.connection_pool
    assert type(pool).__name__ == "BlockingConnectionPool"
    assert pool.max_connections == 50
    assert pool.timeout == 20.0
    assert pool.connection_kwargs["socket_timeout"] == 10.0
    assert pool.connection_kwargs["socket_connect_timeout"] == 5.0
    assert cp.net.operation_timeout == 30.0
    custom = RedisCheckpointer.from_url(URL, max_connections=7, socket_timeout=None)
    assert custom.client.connection_pool.max_connections == 7
    assert custom.client.connection_pool.connection_kwargs["socket_timeout"] is None
    with pytest.raises(ValidationError, match="pool_timeout"):
        RedisCheckpointer.from_url(URL, pool_timeout=-1)
