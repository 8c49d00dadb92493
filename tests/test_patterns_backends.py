"""An Orchestrator run that died mid-step resumes on every checkpointer backend.

A specialist's tool raises a BaseException (standing for the process dying:
nothing on the way out catches it) after the other specialists of the same
parallel step finished. Calling the orchestrator again with the same
``thread_id`` finishes the run; the specialists recorded before the failure
do not run again. PostgreSQL and Redis are the real servers on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from locus import tool
from locus.core.messages import ToolCall
from locus.models import FunctionModel
from locus.multiagent.orchestrator import Orchestrator
from locus.multiagent.specialist import Specialist

SCHEMA = f"locus_patterns_{uuid.uuid4().hex[:10]}"
PREFIX = f"locus-patterns-{uuid.uuid4().hex[:10]}:"


class Crash(BaseException):
    """The process dying, as far as the run can tell."""


@pytest.fixture(
    params=[
        "memory",
        "file",
        "sqlite",
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("redis", marks=pytest.mark.redis),
    ]
)
async def checkpointer(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    kind = request.param
    if kind == "memory":
        from locus.checkpoint.memory import MemoryCheckpointer

        yield MemoryCheckpointer()
    elif kind == "file":
        from locus.checkpoint.file import FileCheckpointer

        yield FileCheckpointer(tmp_path / "threads")
    elif kind == "sqlite":
        from locus.checkpoint.sqlite import SQLiteCheckpointer

        yield SQLiteCheckpointer(tmp_path / "threads.db")
    elif kind == "postgres":
        pytest.importorskip(
            "locus.checkpoint.postgres", reason="locus-checkpoint-postgres not installed"
        )
        import psycopg

        from locus.checkpoint.postgres import PostgresCheckpointer
        from locus.checkpoint.postgres.testing import local_dsn

        dsn = local_dsn()
        async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA) as cp:
            yield cp
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    else:
        pytest.importorskip("locus.checkpoint.redis", reason="locus-checkpoint-redis not installed")
        import redis

        from locus.checkpoint.redis import RedisCheckpointer

        url = "redis://127.0.0.1:6379/0"
        cp = RedisCheckpointer.from_url(url, prefix=PREFIX)
        yield cp
        await cp.aclose()
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{PREFIX}*"))
        if keys:
            client.delete(*keys)
        client.close()


async def test_a_run_that_died_mid_step_resumes_without_redoing_recorded_specialists(
    checkpointer: Any,
) -> None:
    ran: Counter[str] = Counter()
    dying = {"c": True}

    def probe(name: str) -> Any:
        @tool(name=f"probe_{name}")
        async def run_probe() -> str:
            """Look."""
            ran[name] += 1
            if name == "c" and dying["c"]:
                for _ in range(200):  # let a and b finish (and be recorded) first
                    await asyncio.sleep(0)
                raise Crash
            return f"{name} data"

        return run_probe

    def model(name: str) -> FunctionModel:
        def respond(messages: list[Any], tools: Any) -> Any:
            if messages[-1].role.value == "tool":
                return f"{name} found it. Confidence: 0.9"
            return [ToolCall(name=f"probe_{name}", arguments={})]

        return FunctionModel(respond)

    specialists = [Specialist(name=n, tools=[probe(n)], model=model(n)) for n in "abc"]
    boss = Orchestrator(specialists=specialists, checkpointer=checkpointer)
    thread = f"incident-{uuid.uuid4().hex[:8]}"
    with pytest.raises(Crash):
        await boss.execute("incident", thread_id=thread)
    dying["c"] = False
    result = await boss.execute("incident", thread_id=thread)
    assert sorted(r.specialist_id for r in result.specialist_results if r.success) == [
        "a",
        "b",
        "c",
    ]
    assert ran == {"a": 1, "b": 1, "c": 2}
