"""Exactly-once idempotent tools across a SIGKILL and a restart, on PostgreSQL.

A child process runs an agent on the PostgreSQL checkpointer with an
idempotent ``charge`` tool whose body appends a line to a side-effect file.
The process is killed with SIGKILL (no cleanup, no flush of anything but what
was already committed); a new process resumes the thread. The side effect
must have happened exactly once and the resumed run must complete.
"""

import json
import os
import signal
import subprocess
import sys
import textwrap
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

SCHEMA = f"locus_eo_{uuid.uuid4().hex[:10]}"

CHILD = textwrap.dedent(
    """
    import asyncio, json, os, signal, sys

    from locus import Agent, tool
    from locus.checkpoint.postgres import PostgresCheckpointer
    from locus.core.messages import Role, ToolCall
    from locus.models import FunctionModel

    mode, dsn, schema, thread, effects = sys.argv[1:6]

    @tool(idempotent=True)
    def charge(order_id: str, amount: int) -> str:
        \"\"\"Charge the customer's card.

        Args:
            order_id: The order.
            amount: Amount in cents.
        \"\"\"
        with open(effects, "a") as fh:
            fh.write(f"charged {order_id} {amount}\\n")
            fh.flush()
            os.fsync(fh.fileno())
        if mode == "kill_in_body":
            os.kill(os.getpid(), signal.SIGKILL)
        return f"charged {order_id} {amount}"

    def model(messages, tools):
        last_user = max(i for i, m in enumerate(messages) if m.role is Role.USER)
        results = [m for m in messages[last_user:] if m.role is Role.TOOL]
        if not results:
            return [ToolCall(id="call_1", name="charge", arguments={"order_id": "A1", "amount": 4200})]
        if mode == "kill_after_result":
            os.kill(os.getpid(), signal.SIGKILL)
        return "done: " + (results[-1].content or "")

    async def main():
        cp = PostgresCheckpointer.from_conn_string(dsn, schema=schema)
        agent = Agent(model=FunctionModel(model), tools=[charge], checkpointer=cp)
        if mode == "resume":
            result = await agent.resume_invoke(thread)
        else:
            result = await agent.invoke("Charge order A1 42.00", thread_id=thread)
        print(json.dumps({
            "message": result.message,
            "stop_reason": result.stop_reason,
            "tools": [
                {"name": e.name, "cached": e.cached, "in_doubt": e.in_doubt, "result": e.result}
                for e in result.tool_executions
            ],
        }))
        await cp.aclose()

    asyncio.run(main())
    """
)


def _dsn() -> str:
    from locus.checkpoint.postgres.testing import local_dsn

    return local_dsn()


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    value = _dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


def _child(mode: str, dsn: str, thread: str, effects: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOCUS_ALLOW_MODEL_REQUESTS": "0"}
    return subprocess.run(
        [sys.executable, "-c", CHILD, mode, dsn, SCHEMA, thread, str(effects)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def _report(proc: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert proc.returncode == 0, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def test_killed_inside_the_tool_body_is_not_refired(dsn: str, tmp_path: Path) -> None:
    effects = tmp_path / "effects.log"
    thread = f"eo-{uuid.uuid4().hex}"

    first = _child("kill_in_body", dsn, thread, effects)
    assert first.returncode == -signal.SIGKILL, first.stderr
    assert effects.read_text().splitlines() == ["charged A1 4200"]

    resumed = _report(_child("resume", dsn, thread, effects))
    assert effects.read_text().splitlines() == ["charged A1 4200"]  # exactly once
    assert resumed["stop_reason"]
    assert resumed["message"].startswith("done: ")
    (call,) = resumed["tools"]
    assert call["name"] == "charge"
    assert call["in_doubt"] is True  # intent recorded, result unknown: reported, not re-fired


def test_killed_after_the_result_was_recorded(dsn: str, tmp_path: Path) -> None:
    effects = tmp_path / "effects.log"
    thread = f"eo-{uuid.uuid4().hex}"

    first = _child("kill_after_result", dsn, thread, effects)
    assert first.returncode == -signal.SIGKILL, first.stderr
    assert effects.read_text().splitlines() == ["charged A1 4200"]

    resumed = _report(_child("resume", dsn, thread, effects))
    assert resumed["message"] == "done: charged A1 4200"
    assert effects.read_text().splitlines() == ["charged A1 4200"]

    # the client retries the same request on the same thread: answered from the ledger
    retried = _report(_child("retry", dsn, thread, effects))
    assert effects.read_text().splitlines() == ["charged A1 4200"]
    (call,) = retried["tools"]
    assert call["cached"] is True
    assert call["result"] == "charged A1 4200"
    assert retried["message"] == "done: charged A1 4200"
