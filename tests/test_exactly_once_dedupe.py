"""Exactly one effect per logical call across SIGKILLs: ``in_doubt="retry"`` + a deduping downstream.

A child process runs an agent on the PostgreSQL checkpointer that charges
five orders, one tool call per turn. The ``charge`` tool has
``idempotent=True, in_doubt="retry"`` and passes ``ToolContext.idempotency_key``
to a downstream "payments API" (a SQLite file) that records an effect once
per key (``INSERT OR IGNORE``) and logs every attempt. The parent kills the
child with SIGKILL at a fixed point (before the effect, after the effect
before the result is saved, after the result) or after a random delay, then
resumes the thread in new processes until it completes.

Every order must have exactly one effect: none lost, none doubled. Trials:
the three fixed points plus ``LOCUS_EO_TRIALS`` (default 4) random kills.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]

pytest.importorskip("locus.checkpoint.postgres", reason="locus-checkpoint-postgres not installed")

SCHEMA = f"locus_eod_{uuid.uuid4().hex[:10]}"
ORDERS = ["A1", "A2", "A3", "A4", "A5"]

CHILD = textwrap.dedent(
    """
    import asyncio, json, os, random, signal, sqlite3, sys, time

    from locus import Agent, tool
    from locus.checkpoint.postgres import PostgresCheckpointer
    from locus.core.errors import CheckpointNotFoundError
    from locus.core.messages import Role, ToolCall
    from locus.models import FunctionModel
    from locus.tools import ToolContext

    mode, dsn, schema, thread, downstream, kill_at = sys.argv[1:7]
    ORDERS = ["A1", "A2", "A3", "A4", "A5"]

    def payments(order_id, key):
        # the downstream API: one effect per idempotency key, every attempt logged
        db = sqlite3.connect(downstream, timeout=30, isolation_level=None)
        db.execute("INSERT INTO attempts (key, order_id) VALUES (?, ?)", (key, order_id))
        db.execute("INSERT OR IGNORE INTO effects (key, order_id) VALUES (?, ?)", (key, order_id))
        db.close()

    def maybe_die(point, order_id):
        if kill_at == f"{point}:{order_id}":
            os.kill(os.getpid(), signal.SIGKILL)

    @tool(idempotent=True, in_doubt="retry")
    def charge(order_id: str, ctx: ToolContext) -> str:
        \"\"\"Charge an order.

        Args:
            order_id: The order.
        \"\"\"
        maybe_die("before_effect", order_id)
        time.sleep(random.random() * 0.02)
        payments(order_id, ctx.idempotency_key)
        maybe_die("after_effect", order_id)
        time.sleep(random.random() * 0.02)
        return f"charged {order_id}"

    def model(messages, tools):
        last_user = max(i for i, m in enumerate(messages) if m.role is Role.USER)
        done = {m.content.split()[-1] for m in messages[last_user:] if m.role is Role.TOOL
                and m.content and m.content.startswith("charged")}
        if ORDERS[-1] in done:
            maybe_die("after_result", ORDERS[-1])
        for order in ORDERS:
            if order not in done:
                return [ToolCall(id=f"call-{order}", name="charge", arguments={"order_id": order})]
        return "all charged"

    async def main():
        cp = PostgresCheckpointer.from_conn_string(dsn, schema=schema)
        agent = Agent(model=FunctionModel(model), tools=[charge], checkpointer=cp)
        print("ready", flush=True)
        try:
            if mode == "resume":
                try:
                    result = await agent.resume_invoke(thread, busy_timeout=60)
                except CheckpointNotFoundError:  # killed before the first checkpoint: send again
                    result = await agent.invoke("charge all orders", thread_id=thread)
            else:
                result = await agent.invoke("charge all orders", thread_id=thread)
        finally:
            await cp.aclose()
        print(json.dumps({"message": result.message, "stop_reason": result.stop_reason}))

    asyncio.run(main())
    """
)


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    from locus.checkpoint.postgres.testing import local_dsn

    value = local_dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


def _downstream(path: Path) -> Path:
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE effects (key TEXT PRIMARY KEY, order_id TEXT NOT NULL)")
    db.execute("CREATE TABLE attempts (n INTEGER PRIMARY KEY, key TEXT, order_id TEXT)")
    db.commit()
    db.close()
    return path


def _start(
    mode: str, dsn: str, thread: str, downstream: Path, kill_at: str
) -> subprocess.Popen[str]:
    env = {**os.environ, "LOCUS_ALLOW_MODEL_REQUESTS": "0"}
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, mode, dsn, SCHEMA, thread, str(downstream), kill_at],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _trial(dsn: str, tmp: Path, kill_at: str, kill_after: float | None) -> dict[str, Any]:
    """One logical request of five charges, killed once, resumed until it completes."""
    downstream = _downstream(tmp / f"payments-{uuid.uuid4().hex[:6]}.db")
    thread = f"eod-{uuid.uuid4().hex}"
    first = _start("run", dsn, thread, downstream, kill_at)
    if kill_after is not None:
        assert first.stdout is not None
        assert first.stdout.readline().strip() == "ready"  # imports done: the run starts now
        try:
            first.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            first.send_signal(signal.SIGKILL)
    _, err = first.communicate(timeout=120)
    killed = first.returncode == -signal.SIGKILL
    assert killed or first.returncode == 0, err
    if killed:  # a new process resumes the thread (the killed one's lease is freed at once)
        proc = _start("resume", dsn, thread, downstream, "")
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert json.loads(out.strip().splitlines()[-1])["message"] == "all charged"
    db = sqlite3.connect(downstream)
    effects = dict(db.execute("SELECT order_id, COUNT(*) FROM effects GROUP BY order_id"))
    attempts = db.execute("SELECT COUNT(*) FROM attempts").fetchone()[0]
    db.close()
    return {"killed": killed, "effects": effects, "attempts": attempts}


@pytest.mark.parametrize("kill_at", ["before_effect:A3", "after_effect:A3", "after_result:A5"])
def test_killed_at_a_fixed_point_every_order_has_one_effect(
    dsn: str, tmp_path: Path, kill_at: str
) -> None:
    outcome = _trial(dsn, tmp_path, kill_at, None)
    assert outcome["killed"]
    assert outcome["effects"] == {order: 1 for order in ORDERS}  # none lost, none doubled
    if kill_at.startswith("after_effect"):
        assert outcome["attempts"] == len(ORDERS) + 1  # A3 was retried; the API deduped it


def test_killed_at_random_moments_every_order_has_one_effect(dsn: str, tmp_path: Path) -> None:
    trials = int(os.environ.get("LOCUS_EO_TRIALS", "4"))
    rng = random.Random(int(os.environ.get("LOCUS_EO_SEED", str(time.time_ns()))))
    killed = 0
    for _ in range(trials):  # a kill may land anywhere in the run, or after it ended
        outcome = _trial(dsn, tmp_path, "", rng.uniform(0.0, 1.2))
        killed += outcome["killed"]
        assert outcome["effects"] == {order: 1 for order in ORDERS}, outcome
    if os.environ.get("LOCUS_EO_REPORT"):
        print(json.dumps({"trials": trials, "killed": killed}))
