"""Checkpoint save-then-load throughput and p99, locus vs LangGraph savers.

Workload: a thread whose state holds 200 (and 2,000) messages of ~500
characters; one operation = save the state as a new checkpoint, then load the
thread's latest. The last table gives each side's cost per operation at 2,000
messages over its cost at 200 (how the cost grows with the thread).
Backends: memory, SQLite (file, WAL), PostgreSQL (127.0.0.1:5432/test) and
Redis (127.0.0.1:6379), each side by side with the LangGraph saver for the
same store (InMemorySaver, AsyncSqliteSaver, AsyncPostgresSaver,
AsyncRedisSaver). A backend whose server or peer is unavailable is reported
and skipped. Goal: locus >= 2x LangGraph's throughput on each.

Run: ``python bench/bench_checkpoint.py [--ops N] [--messages 200,2000] [--backends ...]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import table

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
TEXT = ("The quick brown fox jumps over the lazy dog; " * 12)[:500]

Op = Callable[[], Awaitable[None]]


def _locus_state(n: int) -> Any:
    from locus.core.messages import Message
    from locus.core.state import AgentState

    msgs = [
        Message.user(f"{i} {TEXT}") if i % 2 == 0 else Message.assistant(f"{i} {TEXT}")
        for i in range(n)
    ]
    return AgentState(messages=msgs)


def _lg_messages(n: int) -> list[Any]:
    from langchain_core.messages import AIMessage, HumanMessage

    return [
        HumanMessage(content=f"{i} {TEXT}", id=str(i))
        if i % 2 == 0
        else AIMessage(content=f"{i} {TEXT}", id=str(i))
        for i in range(n)
    ]


async def _measure(op: Op, ops: int, warmup: int) -> tuple[float, float]:
    for _ in range(warmup):
        await op()
    lat: list[float] = []
    start = time.perf_counter()
    for _ in range(ops):
        t0 = time.perf_counter()
        await op()
        lat.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    p99 = statistics.quantiles(lat, n=100)[98] if len(lat) >= 100 else max(lat)
    return ops / total, p99 * 1000


# -- locus --------------------------------------------------------------------


@contextlib.asynccontextmanager
async def locus_op(backend: str, tmp: Path, n: int) -> AsyncIterator[Op]:
    from locus.checkpoint import get_checkpointer

    options: dict[str, Any] = {}
    if backend == "memory":
        url = "memory://"
    elif backend == "sqlite":
        url = f"sqlite:///{tmp}/locus.db"
    elif backend == "postgres":
        url, options = PG_DSN, {"schema": f"locus_bench_{uuid.uuid4().hex[:8]}"}
    else:
        url, options = REDIS_URL, {"prefix": f"locus-bench-{uuid.uuid4().hex[:8]}:"}
    cp = get_checkpointer(url, **options)
    state = _locus_state(n)
    thread = uuid.uuid4().hex

    async def op() -> None:
        await cp.save(state, thread)
        loaded = await cp.load(thread)
        assert loaded is not None
        assert len(loaded.messages) == n

    try:
        yield op
    finally:
        await _cleanup_locus(cp, backend, options)
        await cp.aclose()


async def _cleanup_locus(cp: Any, backend: str, options: dict[str, Any]) -> None:
    if backend == "postgres":
        async with cp.pool.connection() as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{options["schema"]}" CASCADE')
    elif backend == "redis":
        keys = [k async for k in cp.client.scan_iter(match=f"{options['prefix']}*")]
        if keys:
            await cp.client.delete(*keys)


# -- LangGraph ------------------------------------------------------------------


@contextlib.asynccontextmanager
async def langgraph_saver(backend: str, tmp: Path) -> AsyncIterator[Any]:
    if backend == "memory":
        from langgraph.checkpoint.memory import InMemorySaver

        yield InMemorySaver()
    elif backend == "sqlite":
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        async with AsyncSqliteSaver.from_conn_string(str(tmp / "langgraph.db")) as saver:
            await saver.setup()
            yield saver
    elif backend == "postgres":
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(PG_DSN) as saver:
            await saver.setup()
            yield saver
    else:
        from langgraph.checkpoint.redis.aio import AsyncRedisSaver

        async with AsyncRedisSaver.from_conn_string(REDIS_URL) as saver:
            await saver.asetup()
            yield saver


@contextlib.asynccontextmanager
async def langgraph_op(backend: str, tmp: Path, n: int) -> AsyncIterator[Op]:
    from langgraph.checkpoint.base import empty_checkpoint
    from langgraph.checkpoint.base.id import uuid6

    async with langgraph_saver(backend, tmp) as saver:
        messages = _lg_messages(n)
        thread = uuid.uuid4().hex
        config: dict[str, Any] = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
        latest = {"config": config, "version": None}

        async def op() -> None:
            version = saver.get_next_version(latest["version"], None)
            checkpoint = empty_checkpoint()
            checkpoint["id"] = str(uuid6())
            checkpoint["channel_values"] = {"messages": messages}
            checkpoint["channel_versions"] = {"messages": version}
            latest["config"] = await saver.aput(
                latest["config"], checkpoint, {"source": "loop", "step": 1}, {"messages": version}
            )
            latest["version"] = version
            loaded = await saver.aget_tuple(config)
            assert len(loaded.checkpoint["channel_values"]["messages"]) == n

        try:
            yield op
        finally:
            with contextlib.suppress(Exception):
                await saver.adelete_thread(thread)


Rates = dict[tuple[str, int], tuple[float, float]]
"""(backend, messages) -> (locus ops/s, langgraph ops/s); 0 when unavailable."""


async def bench(backend: str, ops: int, n: int, rates: Rates) -> tuple[str, ...]:
    warmup = max(5, ops // 10)
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        try:
            async with locus_op(backend, tmp, n) as op:
                l_ops, l_p99 = await _measure(op, ops, warmup)
        except Exception as exc:
            reason = f"unavailable: {type(exc).__name__}: {str(exc)[:60]}"
            return (backend, f"{n:,}", reason, "", "", "", "")
        try:
            async with langgraph_op(backend, tmp, n) as op:
                g_ops, g_p99 = await _measure(op, ops, warmup)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {str(exc)[:70]}"
            rates[backend, n] = (l_ops, 0.0)
            return (
                backend,
                f"{n:,}",
                f"{l_ops:,.0f}",
                f"{l_p99:.2f}",
                f"peer failed ({reason})",
                "",
                "",
            )
    rates[backend, n] = (l_ops, g_ops)
    return (
        backend,
        f"{n:,}",
        f"{l_ops:,.0f}",
        f"{l_p99:.2f}",
        f"{g_ops:,.0f}",
        f"{g_p99:.2f}",
        f"{l_ops / g_ops:.2f}x",
    )


def growth(rates: Rates, backends: list[str], sizes: list[int]) -> str:
    """Cost per operation at the largest size over the smallest, for each side."""
    small, large = min(sizes), max(sizes)
    rows = []
    for backend in backends:
        a, b = rates.get((backend, small)), rates.get((backend, large))
        if not a or not b or not a[0] or not b[0]:
            continue
        lg = f"{a[1] / b[1]:.2f}x" if a[1] and b[1] else "-"
        rows.append((backend, f"{a[0] / b[0]:.2f}x", lg))
    header = ("backend", f"locus cost {large:,}/{small:,}", f"langgraph cost {large:,}/{small:,}")
    return table(rows, header)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ops", type=int, default=300, help="operations per backend")
    parser.add_argument(
        "--backends", default="memory,sqlite,postgres,redis", help="comma-separated list"
    )
    parser.add_argument("--messages", default="200,2000", help="thread sizes, comma-separated")
    args = parser.parse_args()
    backends = args.backends.split(",")
    sizes = [int(x) for x in args.messages.split(",")]
    rates: Rates = {}
    rows = [await bench(b, args.ops, n, rates) for n in sizes for b in backends]
    print(f"save + load of an N-message thread (~{len(TEXT)} chars each), {args.ops} ops per row")
    header = (
        "backend",
        "messages",
        "locus ops/s",
        "locus p99 ms",
        "langgraph ops/s",
        "lg p99 ms",
        "ratio",
    )
    print(table(rows, header))
    if len(sizes) > 1:
        print()
        print(growth(rates, backends, sizes))


if __name__ == "__main__":
    asyncio.run(main())
