"""Concurrent agent runs per backend: one thread (runs take turns) vs distinct threads.

Workload: N agent runs started at once; each sends a prompt, its offline
model calls an idempotent tool once (keys shared by 4 runs), then answers.
"same thread": all N on one thread (``on_busy="enqueue"``: compare-and-set
saves, a lease, runs in arrival order). "distinct threads": one thread per
run (the same machinery, no waiting). Reported: runs/s, the ratio of the
two, and lost/duplicated tool effects (must be 0). Backends: memory, file
(no fsync), SQLite (file), PostgreSQL (127.0.0.1:5432/test), Redis
(127.0.0.1:6379, through a ``BlockingConnectionPool`` of 20: redis-py's
default pool refuses connections past its limit instead of waiting); an
unavailable server is reported and skipped.

No peer does this work in-process: LangGraph's double-texting options live
in its hosted platform, not in its checkpointers, so figures are absolute.

Run: ``python bench/bench_concurrency.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"


async def _make(backend: str, tmp: Path) -> Any:
    from locus.checkpoint.file import FileCheckpointer
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.checkpoint.sqlite import SQLiteCheckpointer

    if backend == "memory":
        return MemoryCheckpointer()
    if backend == "file":
        return FileCheckpointer(tmp / "files", fsync=False)
    if backend == "sqlite":
        return SQLiteCheckpointer(tmp / "threads.db")
    if backend == "postgres":
        from locus.checkpoint.postgres import PostgresCheckpointer

        return PostgresCheckpointer.from_conn_string(
            PG_DSN, schema=f"bench_{uuid.uuid4().hex[:8]}", max_size=20
        )
    from redis.asyncio import BlockingConnectionPool, Redis

    from locus.checkpoint.redis import RedisCheckpointer

    pool = BlockingConnectionPool.from_url(REDIS_URL, max_connections=20, timeout=30)
    return RedisCheckpointer(Redis(connection_pool=pool), prefix=f"bench-{uuid.uuid4().hex[:8]}:")


async def _drop(backend: str, cp: Any) -> None:
    if backend == "postgres":
        import psycopg

        async with await psycopg.AsyncConnection.connect(PG_DSN, autocommit=True) as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{cp.schema}" CASCADE')
    elif backend == "redis":
        keys = [k async for k in cp.client.scan_iter(match=f"{cp.prefix}*")]
        if keys:
            await cp.client.delete(*keys)
        await cp.client.aclose()
    await cp.aclose()


async def _race(cp: Any, runs: int, same_thread: bool) -> tuple[float, int, int]:
    """Run ``runs`` agent runs at once; return (seconds, lost effects, duplicated effects)."""
    from locus.agent import Agent
    from locus.testing._checkpoint_concurrency import PagerModel
    from locus.tools import tool

    keys = max(1, runs // 4)
    fired: Counter[str] = Counter()

    @tool(idempotent=True)
    async def page(incident: str) -> str:
        """Page on-call.

        Args:
            incident: Incident id.
        """
        fired[incident] += 1
        return f"paged {incident}"

    agent = Agent(model=PagerModel(keys), tools=[page], checkpointer=cp)
    base = f"bench-{uuid.uuid4().hex[:8]}"

    def thread(i: int) -> str:
        return base if same_thread else f"{base}-{i}"

    started = time.perf_counter()
    await asyncio.gather(
        *(agent.invoke(f"prompt {i}", thread_id=thread(i), busy_timeout=600) for i in range(runs))
    )
    elapsed = time.perf_counter() - started
    # one thread: one execution per key; distinct threads: one per (thread, key) = per run
    expected = (
        Counter({f"inc-{k}": 1 for k in range(keys)})
        if same_thread
        else Counter(f"inc-{i % keys}" for i in range(runs))
    )
    lost = sum((expected - fired).values())
    duplicated = sum((fired - expected).values())
    return elapsed, lost, duplicated


async def _bench(backend: str, runs: int) -> dict[str, Any] | str:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            cp = await _make(backend, Path(tmp))
            await cp.history("probe")  # reach the server now
        except Exception as exc:
            return f"skipped ({type(exc).__name__}: {exc})"[:120]
        try:
            same, lost1, dup1 = await _race(cp, runs, same_thread=True)
            distinct, lost2, dup2 = await _race(cp, runs, same_thread=False)
        finally:
            await _drop(backend, cp)
    return {
        "same": runs / same,
        "distinct": runs / distinct,
        "lost": lost1 + lost2,
        "duplicated": dup1 + dup2,
    }


async def main(runs: int, backends: list[str]) -> None:
    print(f"{runs} concurrent agent runs (1 tool call each), runs/s")
    print(
        f"{'backend':<10} {'same thread':>12} {'distinct':>10} {'same/distinct':>14} "
        f"{'lost':>5} {'dup':>4}"
    )
    for backend in backends:
        row = await _bench(backend, runs)
        if isinstance(row, str):
            print(f"{backend:<10} {row}")
            continue
        print(
            f"{backend:<10} {row['same']:>12.1f} {row['distinct']:>10.1f} "
            f"{row['same'] / row['distinct']:>13.2f}x {row['lost']:>5} {row['duplicated']:>4}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument(
        "--backends", default="memory,file,sqlite,postgres,redis", help="comma-separated"
    )
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.backends.split(",")))
