"""RedisCheckpointer against the real server on 127.0.0.1:6379."""

import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from locus.checkpoint import BaseCheckpointer, get_checkpointer
from locus.checkpoint.redis import RedisCheckpointer
from locus.core.errors import CheckpointError
from locus.core.state import AgentState
from locus.testing import CheckpointerConformance, sample_state, service_unavailable

pytestmark = pytest.mark.redis

URL = "redis://127.0.0.1:6379/0"
PREFIX = f"locus-test-{uuid.uuid4().hex[:10]}:"


def _require_server() -> None:
    import redis

    try:
        redis.Redis.from_url(URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        service_unavailable(f"Redis on 127.0.0.1:6379 is unreachable: {exc}")


@pytest.fixture(scope="module", autouse=True)
def _server_and_cleanup() -> Any:
    import redis

    _require_server()
    yield
    client = redis.Redis.from_url(URL)
    keys = list(client.scan_iter(match=f"{PREFIX}*"))
    if keys:
        client.delete(*keys)
    client.close()


class TestRedisConformance(CheckpointerConformance):
    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return RedisCheckpointer.from_url(URL, prefix=PREFIX, **options)


@pytest_asyncio.fixture
async def cp() -> AsyncIterator[RedisCheckpointer]:
    checkpointer = RedisCheckpointer.from_url(URL, prefix=PREFIX)
    yield checkpointer
    await checkpointer.aclose()


async def test_url_resolves_through_plugin() -> None:
    checkpointer = get_checkpointer(URL, prefix=PREFIX)
    assert isinstance(checkpointer, RedisCheckpointer)
    async with checkpointer:
        tid = uuid.uuid4().hex
        await checkpointer.save(sample_state("u"), tid)
        assert await checkpointer.load(tid) == sample_state("u")


def test_backends_facade_names_the_class() -> None:
    from locus.memory import backends

    assert backends.RedisCheckpointer is RedisCheckpointer


async def test_ttl_is_native(cp: RedisCheckpointer) -> None:
    ttl_cp = RedisCheckpointer(cp.client, prefix=PREFIX, ttl=600)
    tid = uuid.uuid4().hex
    cid = await ttl_cp.save(AgentState(), tid)
    rec_ttl = await cp.client.pttl(f"{PREFIX}rec:{len(tid)}:{tid}:{cid}")
    idx_ttl = await cp.client.pttl(f"{PREFIX}idx:{len(tid)}:{tid}")
    # a chain expires as one: its records live ttl, and at most ttl * 1.1 after its snapshot
    assert 590_000 < rec_ttl <= 660_000
    assert 590_000 < idx_ttl <= 660_000
    # a checkpoint without ttl makes the thread index persistent again
    await cp.save(AgentState(), tid)
    assert await cp.client.pttl(f"{PREFIX}idx:{len(tid)}:{tid}") == -1


async def test_server_side_expiry_is_skipped(cp: RedisCheckpointer) -> None:
    tid = uuid.uuid4().hex
    keep = await cp.save(AgentState(iteration=1), tid)
    gone = await cp.save(AgentState(iteration=2), tid)
    # simulate Redis expiring the newest record under us
    await cp.client.delete(f"{PREFIX}rec:{len(tid)}:{tid}:{gone}")
    latest = await cp.load(tid)
    assert latest is not None
    assert latest.iteration == 1
    assert await cp.list_checkpoints(tid) == [keep]


async def test_read_many_fetches_records_by_id_in_one_pipeline(cp: RedisCheckpointer) -> None:
    tid = uuid.uuid4().hex
    ids = [await cp.save(AgentState(iteration=i), tid, metadata={"i": i}) for i in range(4)]
    await cp.client.delete(f"{PREFIX}rec:{len(tid)}:{tid}:{ids[1]}")  # expired by Redis
    other = f"{tid}:rec"  # a thread whose keys could be confused with tid's
    await cp.save(AgentState(iteration=9), other, "x")
    found = await cp._read_many(tid, [ids[3], ids[1], "missing", ids[0], ids[3], "x"])
    assert sorted(r.checkpoint_id for r in found) == sorted([ids[0], ids[3]])
    by_id = {r.checkpoint_id: r for r in found}
    assert by_id[ids[3]].parent_id == ids[2]
    assert by_id[ids[3]].metadata == {"i": 3}
    assert by_id[ids[0]].parent_id is None
    single = await cp._read(tid, ids[3])
    assert single is not None
    assert by_id[ids[3]].payload == single.payload
    assert await cp._read_many(tid, []) == []


async def test_tricky_thread_ids_do_not_collide(cp: RedisCheckpointer) -> None:
    a = f"x:{uuid.uuid4().hex}"
    b = a + ":rec"
    await cp.save(AgentState(iteration=1), a, "rec:1")
    await cp.save(AgentState(iteration=2), b, "1")
    la, lb = await cp.load(a), await cp.load(b)
    assert la is not None
    assert lb is not None
    assert (la.iteration, lb.iteration) == (1, 2)


async def test_history_order_is_save_order_not_time(cp: RedisCheckpointer) -> None:
    tid = uuid.uuid4().hex
    ids = [await cp.save(AgentState(iteration=i), tid, f"id-{9 - i}") for i in range(10)]
    assert await cp.list_checkpoints(tid, limit=20) == ids[::-1]


async def test_unreachable_server_is_a_checkpoint_error() -> None:
    from redis.asyncio import Redis

    bad = RedisCheckpointer(Redis(host="127.0.0.1", port=1, socket_connect_timeout=1))
    with pytest.raises(CheckpointError, match="Redis"):
        await bad.load("t")
    await bad.client.aclose()


WRITER = """
import asyncio, sys
from locus.checkpoint.redis import RedisCheckpointer
from locus.core.state import AgentState

async def main(url, prefix, worker, n):
    async with RedisCheckpointer.from_url(url, prefix=prefix) as cp:
        for i in range(n):
            await cp.save(AgentState(run_id=f"{worker}-{i}"), "shared-procs")

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
"""


def test_writer_processes_share_one_thread() -> None:
    import asyncio
    import subprocess
    import sys

    workers, per_worker = 4, 15
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, URL, PREFIX, f"w{w}", str(per_worker)])
        for w in range(workers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * workers

    async def check() -> None:
        async with RedisCheckpointer.from_url(URL, prefix=PREFIX) as cp:
            hist = await cp.history("shared-procs")
            assert len(hist) == workers * per_worker
            ids = [h.checkpoint_id for h in hist]
            assert [h.parent_id for h in hist] == [*ids[1:], None]
            runs = {(await cp.load("shared-procs", i)).run_id for i in ids}
            assert len(runs) == workers * per_worker

    asyncio.run(check())


@pytest.mark.parametrize(
    ("field", "value"), [("parent", None), ("ts", None), ("ts", "soon"), ("v", "one")]
)
async def test_damaged_hash_fields_are_typed_errors(
    cp: RedisCheckpointer, field: str, value: str | None
) -> None:
    # seen: bad ts/v gave raw ValueErrors; a hash without its parent field loaded as a root
    from locus.core.errors import CheckpointSerializationError

    tid = uuid.uuid4().hex
    await cp.save(AgentState(iteration=1), tid, "first")
    await cp.save(AgentState(iteration=2), tid, "second")
    key = f"{PREFIX}rec:{len(tid)}:{tid}:second"
    if value is None:
        await cp.client.hdel(key, field)
    else:
        await cp.client.hset(key, field, value)
    for read in (cp.load(tid), cp.load(tid, "second"), cp.history(tid)):
        with pytest.raises(CheckpointSerializationError, match=f"'second' of thread '{tid}'"):
            await read
    first = await cp.load(tid, "first")
    assert first is not None
    assert first.iteration == 1


async def test_two_processes_share_one_thread(tmp_path: Path) -> None:
    from locus.testing._checkpoint_concurrency import race_processes

    thread = f"procs-{uuid.uuid4().hex[:8]}"
    async with RedisCheckpointer.from_url(URL, prefix=PREFIX) as cp:
        await race_processes(
            cp,
            URL,
            thread,
            tmp_path / "effects.log",
            workers=2,
            runs=20,
            options={"prefix": PREFIX},
        )
        await cp.delete_thread(thread)


async def test_a_crashed_owners_lease_expires_in_redis(cp: RedisCheckpointer) -> None:
    from locus.checkpoint import ThreadLease

    thread = f"lease-{uuid.uuid4().hex[:8]}"
    assert await cp._lease_acquire(ThreadLease(thread, "gone", time.time() + 60)) is None
    pttl = await cp.client.pttl(cp._lease_key(thread))
    assert 0 < pttl <= 60_000  # Redis itself removes the lease of an owner that stops renewing
    await cp._lease_release(thread, "gone")
    assert await cp.client.exists(cp._lease_key(thread)) == 0
