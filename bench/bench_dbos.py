"""locus on DBOS: per-step overhead of a durable run, and queue throughput of 1 vs 3 workers.

1. Overhead: one agent run of 10 tool turns (10 tool calls + 11 model calls =
   21 steps; offline FunctionModel, no delay) on a thread with the
   PostgreSQL checkpointer, plain vs as a DBOS workflow (system database on
   the same PostgreSQL, its own database). Runs alternate plain/DBOS; the
   median of each is taken. Overhead per step = (DBOS - plain) / 21: it
   includes recording the model/tool results and the thread's load/saves as
   DBOS steps. Goal: <= 2 ms per step.
   The same pair without a checkpointer (model/tool steps only), and DBOS's
   own floor (a workflow of 40 no-op ``DBOS.run_step_async`` steps) put the
   figure in context: no integration can record a step for less.
2. Throughput: N queued runs (3 model calls of 300 ms simulated latency, as
   a model's, and 2 tool calls each) drained by 1 worker process, then 3N by
   3 worker processes (each ``--concurrency 8``), timed from the first
   enqueue to the last result. Scaling factor = runs/s(3 workers) /
   runs/s(1 worker). Goal: >= 2.4x.

Run: ``python bench/bench_dbos.py [--runs N] [--repeat R]``. Needs
PostgreSQL on 127.0.0.1:5432 (trust, database ``test``); creates and drops
``locus_dbos_bench_*`` databases.
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


async def overhead(repeat: int) -> dict[str, float]:
    """Median seconds of one run: plain/DBOS with and without the PG checkpointer; DBOS floor."""
    import psycopg
    from dbos import DBOS

    from locus.checkpoint.postgres import PostgresCheckpointer
    from locus.dbos import configure

    schema = f"locus_dbos_bench_{uuid.uuid4().hex[:8]}"
    saver = PostgresCheckpointer.from_conn_string(PG_ADMIN, schema=schema)
    agent.checkpointer = saver
    name = _database()
    try:
        floor_workflow = DBOS.workflow(name="bench.floor")(_floor)
        configure(system_database_url=_url(name), application_version="bench", log_level="ERROR")
        DBOS.launch()
        times: dict[str, list[float]] = {}
        await agent.invoke("warm up", thread_id="warm")
        await durable.invoke("warm up", thread_id="warm-dbos")
        for i in range(repeat):
            for label, run in (
                ("plain", lambda i=i: agent.invoke("look things up", thread_id=f"plain-{i}")),
                ("dbos", lambda i=i: durable.invoke("look things up", thread_id=f"dbos-{i}")),
                ("plain-nothread", lambda: agent.invoke("look things up")),
                ("dbos-nothread", lambda: durable.invoke("look things up")),
            ):
                if label == "plain-nothread":
                    agent.checkpointer = None
                started = time.perf_counter()
                result = await run()
                times.setdefault(label, []).append(time.perf_counter() - started)
                assert result.message == f"done after {TURNS} lookups"
            agent.checkpointer = saver
            started = time.perf_counter()
            handle = await DBOS.start_workflow_async(floor_workflow, 40)
            await handle.get_result()
            times.setdefault("floor", []).append((time.perf_counter() - started) / 40)
        DBOS.destroy()
    finally:
        async with await psycopg.AsyncConnection.connect(PG_ADMIN, autocommit=True) as conn:
            await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await saver.aclose()
        agent.checkpointer = None
        _drop_database(name)
    return {label: statistics.median(values) for label, values in times.items()}


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


def main(runs: int, repeat: int) -> None:
    t = asyncio.run(overhead(repeat))
    print(f"one run, {STEPS} steps (model + tool calls), median of {repeat}, PostgreSQL")
    for label, plain, dbos in (
        ("with the PG checkpointer", t["plain"], t["dbos"]),
        ("without a checkpointer", t["plain-nothread"], t["dbos-nothread"]),
    ):
        print(
            f"  {label:<25} plain {plain * 1000:7.1f} ms  DBOS {dbos * 1000:7.1f} ms  "
            f"overhead {(dbos - plain) / STEPS * 1000:5.2f} ms/step (goal <= 2 ms)"
        )
    print(f"  DBOS floor: one no-op step {t['floor'] * 1000:.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        one = drain(1, runs, Path(tmp))
        three = drain(3, 3 * runs, Path(tmp))
    print("queue drain, runs of 3 model calls (300 ms each) + 2 tool calls, --concurrency 8")
    print(f"  1 worker   {runs:>4} runs  {one:7.1f} runs/s")
    print(f"  3 workers  {3 * runs:>4} runs  {three:7.1f} runs/s")
    print(f"  scaling {three / one:.2f}x (goal >= 2.4x)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=64, help="runs for 1 worker (3x for 3)")
    parser.add_argument("--repeat", type=int, default=15, help="runs of each kind, overhead")
    args = parser.parse_args()
    main(args.runs, args.repeat)
