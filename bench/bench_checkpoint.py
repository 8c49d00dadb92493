"""Checkpoint cost per agent turn on a growing thread, locus vs LangGraph's savers.

Workload (one per backend and thread size N = 200 and 2,000): a thread that
already holds N messages of ~500 characters; each operation is one turn: the
thread grows by two messages (a user and an assistant message), the state is
saved as a new checkpoint, then the thread's latest checkpoint is loaded and
checked. Each side uses ONE checkpointer instance for the whole thread (as an
agent does), so whatever it caches between turns applies. The thread is
seeded before timing (the first, full save is not timed).

Backends, each side by side with the LangGraph saver for the same store:
memory (``InMemorySaver``), SQLite file (``AsyncSqliteSaver``), PostgreSQL
127.0.0.1:5432/test (``AsyncPostgresSaver``), Redis 127.0.0.1:6379
(``AsyncRedisSaver``, which needs the RediSearch and RedisJSON modules: on a
plain Redis it cannot run, and a stand-in with InMemorySaver's layout on plain
Redis keys, LangGraph's own serializer, is measured instead and labelled so).

Method: for one backend, both sides at both sizes are open at once and
measured in interleaved rounds (each round runs K turns of each of the four,
in an order rotated and reversed from round to round), so a change of machine
load hits every side and size alike. Every turn records wall time
(``perf_counter``) and this process's CPU time (``process_time``: the client's
cost; a server's own CPU is only in the wall time), for the save and the load
separately. Reported: medians per turn, ops/s = 1 / median wall, p99 of wall
over every turn, the ratio of LangGraph's median to ours (> 1: locus is
faster). Growth: median save cost at 2,000 messages over at 200 (goal for
locus <= 1.5x). Bytes per turn: characters of the records handed to the store
per save on the 2,000-message thread (locus: payload + metadata, ASCII here so
bytes, over the timed turns and 66 more untimed ones so the mean includes its
periodic full snapshots; LangGraph: the bytes its serializer produced during
``aput``; SQL column overhead excluded).

Both sizes run the same number of turns per round (``--turns``, default 12),
so the first turn of a side in a round, which finds its code and objects out
of the CPU caches (presumably) after the other sides ran, weighs the same in both medians.
That turn costs about 3x the next ones at either size (memory backend, idle
2-core machine, save CPU: 185-264 vs 56-125 us at 200 messages, 158-378 vs
67-202 us at 2,000). With ``--turns 17,3`` a third of the 18 samples at 2,000
messages are such turns and the memory row's save growth read 1.74-2.20x in
three runs, against 0.94-1.39x with equal turns.

Run: ``python bench/bench_checkpoint.py [--backends memory,sqlite,postgres,redis]
[--messages 200,2000] [--rounds 6] [--turns 12,12]``; about 1-2 minutes on a 2-core machine.
Goal: locus >= 4x LangGraph's ops/s at 200 messages on each backend.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import table

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
TEXT = ("The quick brown fox jumps over the lazy dog; " * 12)[:500]

BYTES_TURNS = 66
"""Untimed locus turns added to the stored-characters count: two chains of a
snapshot and 32 deltas (``snapshot_every``), so the mean includes snapshots."""

Turn = Callable[[], Awaitable[tuple[float, float, float, float]]]
"""One turn; returns (save wall, save cpu, load wall, load cpu) in seconds."""


@dataclass
class Side:
    """One side's samples for one backend and size."""

    label: str
    turn: Turn
    written: list[int]
    save_wall: list[float] = field(default_factory=list)
    save_cpu: list[float] = field(default_factory=list)
    load_wall: list[float] = field(default_factory=list)
    load_cpu: list[float] = field(default_factory=list)
    stored: list[int] = field(default_factory=list)
    """Characters handed to the store, per turn."""

    async def run(self, turns: int) -> None:
        for _ in range(turns):
            self.written[0] = 0
            sw, sc, lw, lc = await self.turn()
            self.stored.append(self.written[0])
            self.save_wall.append(sw)
            self.save_cpu.append(sc)
            self.load_wall.append(lw)
            self.load_cpu.append(lc)

    async def run_untimed(self, turns: int) -> None:
        """More turns whose stored characters count but whose times do not."""
        timed = len(self.save_wall)
        await self.run(turns)
        for samples in (self.save_wall, self.save_cpu, self.load_wall, self.load_cpu):
            del samples[timed:]

    @property
    def op_wall(self) -> list[float]:
        return [a + b for a, b in zip(self.save_wall, self.load_wall, strict=True)]

    @property
    def op_cpu(self) -> list[float]:
        return [a + b for a, b in zip(self.save_cpu, self.load_cpu, strict=True)]

    def p99(self) -> float:
        lat = self.op_wall
        return statistics.quantiles(lat, n=100)[98] if len(lat) >= 100 else max(lat)


async def _timed(
    grow: Callable[[], None], save: Callable[[], Awaitable[Any]], load: Callable[[], Awaitable[Any]]
) -> Any:
    grow()  # the turn's new messages: the agent's work, not the checkpointer's
    w0, c0 = time.perf_counter(), time.process_time()
    await save()
    w1, c1 = time.perf_counter(), time.process_time()
    await load()
    w2, c2 = time.perf_counter(), time.process_time()
    return w1 - w0, c1 - c0, w2 - w1, c2 - c1


# -- locus --------------------------------------------------------------------


def _message(i: int) -> Any:
    from locus.core.messages import Message

    return Message.user(f"{i} {TEXT}") if i % 2 == 0 else Message.assistant(f"{i} {TEXT}")


def _count_writes(cp: Any, written: list[int]) -> None:
    """Add the characters of every record the checkpointer stores to ``written``."""
    write, checked = cp._write, cp._write_checked

    async def counted_write(record: Any) -> None:
        written[0] += len(record.payload) + len(str(record.metadata or ""))
        await write(record)

    async def counted_checked(record: Any, parent: Any) -> bool:
        written[0] += len(record.payload) + len(str(record.metadata or ""))
        return bool(await checked(record, parent))

    cp._write, cp._write_checked = counted_write, counted_checked


@contextlib.asynccontextmanager
async def locus_side(backend: str, tmp: Path, n: int) -> AsyncIterator[Side]:
    from locus.checkpoint import get_checkpointer
    from locus.core.state import AgentState

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
    thread = uuid.uuid4().hex
    box = {"state": AgentState(messages=[_message(i) for i in range(n)])}
    await cp.save(box["state"], thread)
    written = [0]
    _count_writes(cp, written)

    def grow() -> None:
        size = len(box["state"].messages)
        grown = [*box["state"].messages, _message(size), _message(size + 1)]
        box["state"] = box["state"].model_copy(update={"messages": grown})

    async def save() -> None:
        await cp.save(box["state"], thread)

    async def load() -> None:
        loaded = await cp.load(thread)
        assert loaded is not None
        assert len(loaded.messages) == len(box["state"].messages)

    try:
        yield Side("locus", lambda: _timed(grow, save, load), written)
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
async def langgraph_saver(backend: str, tmp: Path) -> AsyncIterator[tuple[str, Any]]:
    if backend == "memory":
        from langgraph.checkpoint.memory import InMemorySaver

        yield "langgraph", InMemorySaver()
    elif backend == "sqlite":
        from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

        async with AsyncSqliteSaver.from_conn_string(str(tmp / "langgraph.db")) as saver:
            await saver.setup()
            yield "langgraph", saver
    elif backend == "postgres":
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(PG_DSN) as saver:
            await saver.setup()
            yield "langgraph", saver
    else:
        from langgraph.checkpoint.redis.aio import AsyncRedisSaver

        async with contextlib.AsyncExitStack() as stack:
            try:
                saver = await stack.enter_async_context(AsyncRedisSaver.from_conn_string(REDIS_URL))
                await saver.asetup()
                label = "langgraph"
            except Exception as exc:
                if "FT." not in str(exc) and "JSON." not in str(exc):
                    raise
                from _redis_standin import PlainRedisSaver

                saver = await stack.enter_async_context(PlainRedisSaver.connect(REDIS_URL))
                label = "langgraph*"
            yield label, saver


class _CountingSerde:
    """LangGraph's serializer, adding the size of everything it encodes to ``written``."""

    def __init__(self, inner: Any, written: list[int]) -> None:
        self.inner, self.written = inner, written

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        kind, data = self.inner.dumps_typed(obj)
        self.written[0] += len(data)
        return kind, data

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _lg_message(i: int) -> Any:
    from langchain_core.messages import AIMessage, HumanMessage

    if i % 2 == 0:
        return HumanMessage(content=f"{i} {TEXT}", id=str(i))
    return AIMessage(content=f"{i} {TEXT}", id=str(i))


@contextlib.asynccontextmanager
async def langgraph_side(backend: str, tmp: Path, n: int) -> AsyncIterator[Side]:
    from langgraph.checkpoint.base import empty_checkpoint
    from langgraph.checkpoint.base.id import uuid6

    async with langgraph_saver(backend, tmp) as (label, saver):
        messages = [_lg_message(i) for i in range(n)]
        thread = uuid.uuid4().hex
        config: dict[str, Any] = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
        latest: dict[str, Any] = {"config": config, "version": None}

        async def put() -> None:
            version = saver.get_next_version(latest["version"], None)
            checkpoint = empty_checkpoint()
            checkpoint["id"] = str(uuid6())
            checkpoint["channel_values"] = {"messages": list(messages)}
            checkpoint["channel_versions"] = {"messages": version}
            latest["config"] = await saver.aput(
                latest["config"], checkpoint, {"source": "loop", "step": 1}, {"messages": version}
            )
            latest["version"] = version

        await put()
        written = [0]
        saver.serde = _CountingSerde(saver.serde, written)

        def grow() -> None:
            messages.extend([_lg_message(len(messages)), _lg_message(len(messages) + 1)])

        async def load() -> None:
            loaded = await saver.aget_tuple(config)
            assert len(loaded.checkpoint["channel_values"]["messages"]) == len(messages)

        try:
            yield Side(label, lambda: _timed(grow, put, load), written)
        finally:
            with contextlib.suppress(Exception):
                await saver.adelete_thread(thread)


# -- driver ----------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    n: int
    ours: Side | None = None
    peer: Side | None = None
    error: str = ""


async def measure(backend: str, sizes: list[tuple[int, int]], rounds: int) -> list[Result]:
    """Every (size, turns per round) row of one backend, all sides interleaved in time."""
    results = [Result(backend, n) for n, _ in sizes]
    with tempfile.TemporaryDirectory() as tmpdir:
        try:
            async with contextlib.AsyncExitStack() as stack:
                plan: list[tuple[Side, int]] = []
                for (n, turns), result in zip(sizes, results, strict=True):
                    tmp = Path(tmpdir) / str(n)
                    tmp.mkdir()
                    result.ours = await stack.enter_async_context(locus_side(backend, tmp, n))
                    result.peer = await stack.enter_async_context(langgraph_side(backend, tmp, n))
                    plan += [(result.ours, turns), (result.peer, turns)]
                for side, _ in plan:  # warm up: caches, prepared statements, pools
                    await side.run(3)
                    for samples in (side.save_wall, side.save_cpu, side.load_wall, side.load_cpu):
                        samples.clear()
                    side.stored.clear()
                for r in range(rounds):  # rotate the order: no side always runs first or last
                    shift = r % len(plan)
                    order = plan[shift:] + plan[:shift]
                    for side, turns in order if r % 2 == 0 else reversed(order):
                        await side.run(turns)
                for result in results:  # stored bytes over two snapshot periods
                    assert result.ours is not None
                    await result.ours.run_untimed(BYTES_TURNS)
        except Exception as exc:
            for result in results:
                result.ours = result.peer = None
                result.error = f"{type(exc).__name__}: {str(exc)[:80]}"
    return results


def _ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def throughput_rows(results: list[Result]) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        if r.ours is None or r.peer is None:
            rows.append((r.backend, f"{r.n:,}", f"unavailable ({r.error})", *[""] * 8))
            continue
        o, p = r.ours, r.peer
        rows.append(
            (
                r.backend,
                f"{r.n:,}",
                f"{1000 / _ms(o.op_wall):,.0f}",
                f"{o.p99() * 1000:.2f}",
                f"{_ms(o.op_cpu):.3f}",
                p.label,
                f"{1000 / _ms(p.op_wall):,.0f}",
                f"{p.p99() * 1000:.2f}",
                f"{_ms(p.op_cpu):.3f}",
                f"{_ms(p.op_wall) / _ms(o.op_wall):.2f}x",
                f"{_ms(p.op_cpu) / _ms(o.op_cpu):.2f}x",
            )
        )
    return rows


def growth_rows(results: list[Result], small: int, large: int) -> list[tuple[str, ...]]:
    by = {(r.backend, r.n): r for r in results}
    rows = []
    for backend in dict.fromkeys(r.backend for r in results):
        a, b = by.get((backend, small)), by.get((backend, large))
        if not a or not b or not a.ours or not b.ours or not a.peer or not b.peer:
            continue
        rows.append(
            (
                backend,
                f"{_ms(b.ours.save_cpu) / _ms(a.ours.save_cpu):.2f}x",
                f"{_ms(b.ours.save_wall) / _ms(a.ours.save_wall):.2f}x",
                f"{_ms(b.ours.op_cpu) / _ms(a.ours.op_cpu):.2f}x",
                f"{_ms(b.peer.save_cpu) / _ms(a.peer.save_cpu):.2f}x",
                f"{_ms(b.peer.save_wall) / _ms(a.peer.save_wall):.2f}x",
                f"{_ms(b.peer.op_cpu) / _ms(a.peer.op_cpu):.2f}x",
            )
        )
    return rows


def bytes_rows(results: list[Result], large: int) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        if r.n != large or not r.ours or not r.peer:
            continue
        o, p = r.ours.stored, r.peer.stored
        rows.append(
            (
                r.backend,
                f"{statistics.median(o):,.0f}",
                f"{statistics.mean(o):,.0f}",
                f"{statistics.median(p):,.0f}",
                f"{statistics.mean(p):,.0f}",
                f"{statistics.mean(p) / statistics.mean(o):.1f}x",
            )
        )
    return rows


async def commit_floor(samples: int = 30) -> float | None:
    """Median ms of one single-row autocommit INSERT on the PostgreSQL server (its fsync)."""
    try:
        import psycopg

        async with await psycopg.AsyncConnection.connect(PG_DSN, autocommit=True) as conn:
            await conn.execute("CREATE TEMP TABLE locus_bench_floor (a int)")
            lat = []
            for i in range(samples):
                t0 = time.perf_counter()
                await conn.execute("INSERT INTO locus_bench_floor VALUES (%s)", (i,))
                lat.append(time.perf_counter() - t0)
        return _ms(lat)
    except Exception:
        return None


def goal_lines(results: list[Result], small: int, large: int) -> list[str]:
    """Each goal per backend: the figure and whether it is met."""
    lines = []
    by = {(r.backend, r.n): r for r in results}
    for backend in dict.fromkeys(r.backend for r in results):
        a, b = by.get((backend, small)), by.get((backend, large))
        if not a or not a.ours or not a.peer:
            continue
        cpu = _ms(a.peer.op_cpu) / _ms(a.ours.op_cpu)
        wall = _ms(a.peer.op_wall) / _ms(a.ours.op_wall)
        line = (
            f"{backend}: vs LangGraph at {small:,}: CPU {cpu:.1f}x "
            f"({'met' if cpu >= 4 else 'NOT met'}), wall {wall:.1f}x "
            f"({'met' if wall >= 4 else 'NOT met'}) [goal >= 4x]"
        )
        if b and b.ours:
            growth = _ms(b.ours.save_cpu) / _ms(a.ours.save_cpu)
            line += (
                f"; save CPU {large:,}/{small:,}: {growth:.2f}x "
                f"({'met' if growth <= 1.5 else 'NOT met'}) [goal <= 1.5x]"
            )
        lines.append(line)
    return lines


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--backends", default="memory,sqlite,postgres,redis", help="comma-separated list"
    )
    parser.add_argument("--messages", default="200,2000", help="thread sizes, comma-separated")
    parser.add_argument("--rounds", type=int, default=6, help="interleaved rounds per row")
    parser.add_argument(
        "--turns", default="12,12", help="turns per side per round, per size (comma-separated)"
    )
    args = parser.parse_args()
    backends = args.backends.split(",")
    sizes = [int(x) for x in args.messages.split(",")]
    turns = [int(x) for x in args.turns.split(",")]
    turns += [turns[-1]] * (len(sizes) - len(turns))
    started = time.perf_counter()
    plan = list(zip(sizes, turns, strict=False))
    by_backend = [await measure(b, plan, args.rounds) for b in backends]
    results = [r for n in sizes for rows in by_backend for r in rows if r.n == n]
    print(
        "checkpoint save + load of the latest, one turn of a growing thread (+2 messages of "
        f"~{len(TEXT)} chars per turn); {args.rounds} interleaved rounds, turns per side per "
        f"round {dict(zip(sizes, turns, strict=False))}; medians; CPU = this process's "
        "process_time (client side), wall = perf_counter"
    )
    header = (
        "backend",
        "msgs",
        "locus ops/s",
        "p99 ms",
        "CPU ms/op",
        "peer",
        "peer ops/s",
        "p99 ms",
        "CPU ms/op",
        "wall ratio",
        "CPU ratio",
    )
    print(table(throughput_rows(results), header))
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        print()
        print(f"cost at {large:,} messages over cost at {small:,} (goal for locus save <= 1.5x)")
        header = (
            "backend",
            "locus save CPU",
            "save wall",
            "op CPU",
            "peer save CPU",
            "save wall",
            "op CPU",
        )
        print(table(growth_rows(results, small, large), header))
        print()
        print(
            f"characters handed to the store per turn, {large:,}-message thread (mean includes "
            "locus's periodic full snapshots)"
        )
        header = (
            "backend",
            "locus median",
            "locus mean",
            "langgraph median",
            "langgraph mean",
            "mean ratio",
        )
        print(table(bytes_rows(results, large), header))
    print()
    print("\n".join(goal_lines(results, min(sizes), max(sizes))))
    if "postgres" in backends and (floor := await commit_floor()) is not None:
        print(
            f"\nPostgreSQL: one commit of a one-row INSERT takes {floor:.2f} ms on this server "
            "(its WAL fsync); each side's save is one commit, so this floor is in both walls"
        )
    if any(r.peer is not None and r.peer.label.endswith("*") for r in results):
        print(
            "\n* AsyncRedisSaver needs the RediSearch/RedisJSON modules (absent here): the "
            "peer is bench/_redis_standin.py, LangGraph's serializer on plain Redis keys"
        )
    print(f"\n({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    asyncio.run(main())
