"""Every run on a PostgreSQL checkpointer finishes and frees its thread under load.

Reported (issue #10 area): ~100 concurrent runs per server worker, some
``agent.run(...)`` streams yielded ``TerminateEvent`` and never finished, the
thread staying "running" with its lease held. The server stops reading a
stream at ``TerminateEvent`` and closes the generator, so both ways of
consuming a stream are driven here: read to the end, and stop at
``TerminateEvent`` then ``aclose()``. Afterwards every thread must take a
``on_busy="reject"`` run (its lease was released, not left to expire).
"""

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from locus import Agent
from locus.checkpoint.postgres import PostgresCheckpointer
from locus.core.events import TerminateEvent
from locus.models import FunctionModel, ScriptedModel

pytestmark = pytest.mark.postgres

SCHEMA = f"locus_lease_{uuid.uuid4().hex[:10]}"
MODES = ["read-all", "close-at-terminate", "stop-at-terminate"]
OUTER_TIMEOUT = 90.0  # a hang fails the test instead of hanging CI


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    from locus.checkpoint.postgres.testing import local_dsn

    value = local_dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


def _agent(cp: PostgresCheckpointer, latency: float) -> Agent:
    async def model(messages: Any, tools: Any) -> str:
        await asyncio.sleep(latency)  # a model call that takes a while, like a real one
        return "done"

    return Agent(model=FunctionModel(model), checkpointer=cp)


async def _consume(agent: Agent, prompt: str, thread_id: str, mode: str) -> Any:
    """One run's stream; returns it (still referenced) once it yielded TerminateEvent.

    ``mode``: ``"read-all"`` reads to the end; ``"close-at-terminate"`` stops at
    TerminateEvent and ``aclose()``s the stream (as the server does);
    ``"stop-at-terminate"`` stops there and keeps the stream unclosed.
    """
    stream: Any = agent.run(prompt, thread_id=thread_id).__aiter__()
    seen = False
    async for event in stream:
        if isinstance(event, TerminateEvent):
            seen = True
            if mode != "read-all":
                break
    assert seen
    if mode == "close-at-terminate":
        await stream.aclose()
    return stream


async def _all_free(cp: PostgresCheckpointer, threads: list[str]) -> None:
    """A run with on_busy="reject" takes every thread at once: no lease was left behind."""
    agent = Agent(model=ScriptedModel(["free"] * len(threads)), checkpointer=cp)
    results = await asyncio.gather(
        *(agent.invoke("after", thread_id=tid, on_busy="reject") for tid in threads)
    )
    assert [r.text for r in results] == ["free"] * len(threads)


@pytest.mark.parametrize("mode", MODES)
async def test_many_runs_on_distinct_threads_finish_and_free_their_leases(
    dsn: str, mode: str
) -> None:
    async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA) as cp:
        # runs outlive a lease heartbeat (every 2 s): renewals are in flight, competing
        # with the saves for the pool's 10 connections, when 150 runs end together
        agent = _agent(cp, 2.5)
        threads = [f"d-{mode}-{i}-{uuid.uuid4().hex[:6]}" for i in range(150)]

        async def scenario() -> None:
            streams = await asyncio.gather(*(_consume(agent, "hi", t, mode) for t in threads))
            assert len(streams) == len(threads)  # kept referenced while the leases are checked
            await _all_free(cp, threads)

        await asyncio.wait_for(scenario(), OUTER_TIMEOUT)


@pytest.mark.parametrize("mode", MODES)
async def test_many_runs_on_one_thread_all_finish_and_free_it(dsn: str, mode: str) -> None:
    async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA) as cp:
        agent = _agent(cp, 0.02)  # the runs take turns: keep each short
        thread = f"one-{mode}-{uuid.uuid4().hex[:6]}"

        async def scenario() -> None:
            streams = await asyncio.gather(
                *(_consume(agent, f"hi {i}", thread, mode) for i in range(100))
            )
            assert len(streams) == 100
            await _all_free(cp, [thread])

        await asyncio.wait_for(scenario(), OUTER_TIMEOUT)
        history = await cp.history(thread, 1000)
        assert len(history) >= 101  # every run saved at least once on the thread
