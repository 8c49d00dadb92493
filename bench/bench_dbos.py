"""locus on DBOS: per-step overhead of a durable run, and queue throughput of 1 vs 3 workers.

1. Overhead: one agent run of 10 tool turns (10 tool calls + 11 model calls =
   21 steps; offline FunctionModel, no delay) on a thread with the
   PostgreSQL checkpointer, plain vs as a DBOS workflow (system database on
   the same PostgreSQL, its own database). Kinds of run alternate (plain,
   DBOS, DBOS with ``save_every_step``, the same two without a checkpointer,
   DBOS's floor); the median of each is taken, of wall time
   (``perf_counter``) and of this process's CPU time (``process_time``, all
   threads; the PostgreSQL server's CPU is not in it). Overhead per step =
   (DBOS - plain) / 21. Goal: <= 2 ms per step.
   DBOS's floor is a workflow of 40 no-op ``DBOS.run_step_async`` steps: no
   integration can record a step for less; with a workflow of no step (its
   start and end records), a DBOS run of 21 steps costs at least one empty
   workflow + 21 floor steps.
2. Floor by engine setting: the same no-op workflow with DBOS's default
   system-database engine, without ``pool_pre_ping`` (one round trip less
   per connection checkout, two per step) and, in addition, with
   ``synchronous_commit=off`` (a commit does not wait for the WAL flush),
   each in its own DBOS launch, rounds interleaved.
3. Throughput: N queued runs (3 model calls of 300 ms simulated latency, as
   a model's, and 2 tool calls each) drained by 1 worker process, then 3N by
   3 worker processes (each ``--concurrency 8``), timed from the first
   enqueue to the last result. Scaling factor = runs/s(3 workers) /
   runs/s(1 worker). Goal: >= 2.4x.

Run: ``python bench/bench_dbos.py [--runs N] [--repeat R] [--rounds K]``.
Needs PostgreSQL on 127.0.0.1:5432 (trust, database ``test``); creates and
drops ``locus_dbos_bench_*`` databases. Prints the load average before and
after: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from locus import Agent, tool
from locus.core.messages import Role, ToolCall
from locus.dbos import DBOSAgent
from locus.models import FunctionModel

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
TURNS = 10
STEPS = 2 * TURNS + 1


@tool
async def lookup(item: str) -> str:
    """Look an item up.

    Args:
        item: The item.
    """
    return f"found {item}"


async def _model(messages: list[Any], tools: Any) -> Any:
    done = sum(1 for m in messages if m.role is Role.TOOL)
    await asyncio.sleep(float(os.environ.get("BENCH_DBOS_MODEL_DELAY", "0")))
    limit = int(os.environ.get("BENCH_DBOS_TURNS", str(TURNS)))
    if done < limit:
        return [ToolCall(id=f"c{done}", name="lookup", arguments={"item": f"i{done}"})]
    return f"done after {done} lookups"


agent = Agent(model=FunctionModel(_model), tools=[lookup], name="bench")
durable = DBOSAgent(agent, queue="bench")
every_step = DBOSAgent(agent, name="bench-every-step", save_every_step=True)


def _database() -> str:
    import psycopg

    name = f"locus_dbos_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(name: str) -> str:
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"


async def _noop() -> int:
    return 1


async def _floor(n: int) -> int:
    from dbos import DBOS

    for _ in range(n):
        await DBOS.run_step_async({"name": "noop", "retries_allowed": False}, _noop)
    return n


class _Timer:
    """Wall and CPU seconds of one timed block, appended under a label."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    async def time(self, label: str, run: Any, per: int = 1) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        result = await run()
        self.wall.setdefault(label, []).append((time.perf_counter() - wall) / per)
        self.cpu.setdefault(label, []).append((time.process_time() - cpu) / per)
        return result

    def medians(self) -> dict[str, tuple[float, float]]:
        return {
            label: (statistics.median(self.wall[label]), statistics.median(self.cpu[label]))
            for label in self.wall
        }


FLOOR = 40


async def overhead(repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of one run of each kind; of one DBOS floor step."""
    import psycopg
    from dbos import DBOS

    from locus.checkpoint.postgres import PostgresCheckpointer
    from locus.dbos import configure

    schema = f"locus_dbos_bench_{uuid.uuid4().hex[:8]}"
    saver = PostgresCheckpointer.from_conn_string(PG_ADMIN, schema=schema)
    name = _database()
    timer = _Timer()
    try:
        floor_workflow = DBOS.workflow(name="bench.floor")(_floor)
        configure(system_database_url=_url(name), application_version="bench", log_level="ERROR")
        DBOS.launch()
        agent.checkpointer = saver
        await agent.invoke("warm up", thread_id="warm")
        await durable.invoke("warm up", thread_id="warm-dbos")
        await every_step.invoke("warm up", thread_id="warm-every")

        async def floor() -> Any:
            handle = await DBOS.start_workflow_async(floor_workflow, FLOOR)
            return await handle.get_result()

        for i in range(repeat):
            agent.checkpointer = saver
            for label, run in (
                ("plain", lambda i=i: agent.invoke("look things up", thread_id=f"plain-{i}")),
                ("dbos", lambda i=i: durable.invoke("look things up", thread_id=f"dbos-{i}")),
                ("dbos-every", lambda i=i: every_step.invoke("look things up", thread_id=f"e-{i}")),
            ):
                result = await timer.time(label, run)
                assert result.message == f"done after {TURNS} lookups"
            agent.checkpointer = None
            for label, run in (
                ("plain-nothread", lambda: agent.invoke("look things up")),
                ("dbos-nothread", lambda: durable.invoke("look things up")),
            ):
                result = await timer.time(label, run)
                assert result.message == f"done after {TURNS} lookups"
            await timer.time("floor", floor, per=FLOOR)

            async def empty() -> Any:
                handle = await DBOS.start_workflow_async(floor_workflow, 0)
                return await handle.get_result()

            await timer.time("empty", empty)
        DBOS.destroy()
    finally:
        async with await psycopg.AsyncConnection.connect(PG_ADMIN, autocommit=True) as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await saver.aclose()
        agent.checkpointer = None
        _drop_database(name)
    return timer.medians()


ENGINES: dict[str, dict[str, Any]] = {
    "default engine": {},
    "no pool_pre_ping": {"pool_pre_ping": False},
    "+ synchronous_commit=off": {
        "pool_pre_ping": False,
        "connect_args": {"options": "-c synchronous_commit=off"},
    },
}


async def floors(rounds: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds of one no-op DBOS step per engine setting."""
    from dbos import DBOS

    from locus.dbos import configure

    name = _database()
    timer = _Timer()
    floor_workflow = DBOS.workflow(name="bench.floor")(_floor)
    try:
        for _ in range(rounds):
            for label, engine in ENGINES.items():
                kwargs = {"pool_size": 20, "max_overflow": 0, "pool_timeout": 30, **engine}
                configure(
                    system_database_url=_url(name),
                    application_version="bench",
                    log_level="ERROR",
                    db_engine_kwargs=kwargs if engine else None,
                )
                DBOS.launch()
                handle = await DBOS.start_workflow_async(floor_workflow, 5)
                await handle.get_result()

                async def floor() -> Any:
                    handle = await DBOS.start_workflow_async(floor_workflow, FLOOR)
                    return await handle.get_result()

                for _ in range(3):
                    await timer.time(label, floor, per=FLOOR)
                DBOS.destroy()
    finally:
        _drop_database(name)
    return timer.medians()


def _worker(url: str, executor_id: str, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]
        ),
        "BENCH_DBOS_MODEL_DELAY": "0.3",
        "BENCH_DBOS_TURNS": "2",
    }
    command = [sys.executable, "-m", "locus.cli", "worker", "bench_dbos:durable", "--queue"]
    command += ["bench", "--concurrency", "8", "--poll", "0.05", "--database-url", url]
    command += ["--executor-id", executor_id, "--app-version", "bench"]
    with log.open("wb") as out:
        return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)


def drain(workers: int, runs: int, tmp: Path) -> float:
    """Runs/s of ``workers`` worker processes draining ``runs`` queued runs."""
    from dbos import DBOSClient

    name = _database()
    url = _url(name)
    logs = [tmp / f"{name}-w{i}.log" for i in range(workers)]
    procs = [_worker(url, f"w{i}", logs[i]) for i in range(workers)]
    try:
        deadline = time.monotonic() + 120
        while not all(log.exists() and "listening" in log.read_text() for log in logs):
            if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
                raise RuntimeError("a worker did not start: " + logs[0].read_text()[-2000:])
            time.sleep(0.05)
        client = DBOSClient(system_database_url=url)
        options: Any = {"queue_name": "bench", "workflow_name": durable.workflow_name}
        options["app_version"] = "bench"
        started = time.perf_counter()
        ids = [client.enqueue(options, f"run {n}", None).get_workflow_id() for n in range(runs)]
        for workflow_id in ids:
            client.retrieve_workflow(workflow_id).get_result()
        elapsed = time.perf_counter() - started
        client.destroy()
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        _drop_database(name)
    return runs / elapsed


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f}"


def main(runs: int, repeat: int, rounds: int, drain_queue: bool = True) -> None:
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores, shared)")
    t = asyncio.run(overhead(repeat))
    print(f"one run, {STEPS} steps (model + tool calls), median of {repeat}, PostgreSQL")
    print("  wall ms / CPU ms of this process")
    for label, plain, dbos in (
        ("PG checkpointer, DBOS saves at the end", "plain", "dbos"),
        ("PG checkpointer, save_every_step", "plain", "dbos-every"),
        ("no checkpointer", "plain-nothread", "dbos-nothread"),
    ):
        (pw, pc), (dw, dc) = t[plain], t[dbos]
        print(
            f"  {label:<38} plain {_ms(pw)} / {_ms(pc)}  DBOS {_ms(dw)} / {_ms(dc)}  "
            f"overhead {(dw - pw) / STEPS * 1000:5.2f} / {(dc - pc) / STEPS * 1000:5.2f} ms/step"
            " (goal <= 2 ms)"
        )
    fw, fc = t["floor"]
    ew, ec = t["empty"]
    print(f"  DBOS floor: one no-op step {fw * 1000:.2f} ms wall / {fc * 1000:.2f} ms CPU")
    print(f"  DBOS floor: a workflow of no step {ew * 1000:.2f} ms wall / {ec * 1000:.2f} ms CPU")
    print(
        f"  so a {STEPS}-step DBOS run costs at least {(ew + STEPS * fw) * 1000:.1f} ms wall / "
        f"{(ec + STEPS * fc) * 1000:.1f} ms CPU: {(ew / STEPS + fw) * 1000:.2f} / "
        f"{(ec / STEPS + fc) * 1000:.2f} ms per step before any locus work"
    )
    f = asyncio.run(floors(rounds))
    print(f"DBOS floor by engine setting, median of {3 * rounds} workflows of {FLOOR} steps")
    for label, (wall, cpu) in f.items():
        print(f"  {label:<26} {wall * 1000:5.2f} ms wall / {cpu * 1000:5.2f} ms CPU per step")
    if not drain_queue:
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        one = drain(1, runs, Path(tmp))
        three = drain(3, 3 * runs, Path(tmp))
    print("queue drain, runs of 3 model calls (300 ms each) + 2 tool calls, --concurrency 8")
    print(f"  1 worker   {runs:>4} runs  {one:7.1f} runs/s")
    print(f"  3 workers  {3 * runs:>4} runs  {three:7.1f} runs/s")
    print(f"  scaling {three / one:.2f}x (goal >= 2.4x)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=64, help="runs for 1 worker (3x for 3)")
    parser.add_argument("--repeat", type=int, default=15, help="runs of each kind, overhead")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of engine settings, floor")
    parser.add_argument("--skip-drain", action="store_true", help="overhead and floors only")
    args = parser.parse_args()
    main(args.runs, args.repeat, args.rounds, not args.skip_drain)
