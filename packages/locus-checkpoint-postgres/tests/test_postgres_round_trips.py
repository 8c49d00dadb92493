"""Round trips per call on the wire (libpq's protocol trace), against the real server.

A save (plain or compare-and-set), a load and a read of several checkpoints
are each one round trip: one ``Sync`` from the client. Before: a plain save
took four (a pre-use empty query, ``BEGIN``, lock + insert, ``COMMIT``), a
compare-and-set save six, a load two.
"""

import contextlib
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from locus.checkpoint.postgres import PostgresCheckpointer
from locus.core.state import AgentState

pytestmark = pytest.mark.postgres

SCHEMA = f"locus_rt_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    from locus.checkpoint.postgres.testing import local_dsn

    value = local_dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


@contextlib.asynccontextmanager
async def wire(cp: PostgresCheckpointer, path: Path) -> AsyncIterator[list[str]]:
    """Trace the (single) pooled connection; yields the client's messages, filled on exit."""
    messages: list[str] = []
    with path.open("w") as out:
        async with cp.pool.connection() as conn:
            conn.pgconn.trace(out.fileno())
        try:
            yield messages
        finally:
            async with cp.pool.connection() as conn:
                conn.pgconn.untrace()
    messages += client_messages(path)


def client_messages(path: Path) -> list[str]:
    """The names of the messages the client sent, from a libpq trace file."""
    fields = (line.split("\t") for line in path.read_text().splitlines())
    return [f[3].strip() for f in fields if len(f) > 3 and f[1] == "F"]


def syncs(messages: list[str]) -> int:
    """Round trips the client waited on: extended-protocol Syncs and simple Queries."""
    return sum(m in ("Sync", "Query") for m in messages)


async def test_save_load_and_read_many_are_one_round_trip_each(dsn: str, tmp_path: Path) -> None:
    cp = PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA, max_size=1)
    try:
        t = uuid.uuid4().hex
        ids = [await cp.save(AgentState(iteration=i), t) for i in range(3)]
        async with wire(cp, tmp_path / "save.log") as save:
            plain = await cp.save(AgentState(iteration=3), t)
        async with wire(cp, tmp_path / "cas.log") as cas:
            await cp.save(AgentState(iteration=4), t, expect_parent=plain)
        async with wire(cp, tmp_path / "load.log") as load:
            loaded = await cp.load(t)
        async with wire(cp, tmp_path / "many.log") as many:
            records = await cp._read_many(t, [ids[0], "missing", ids[2]])
        assert (syncs(save), syncs(cas), syncs(load), syncs(many)) == (1, 1, 1, 1), (
            save,
            cas,
            load,
            many,
        )
        assert loaded is not None
        assert loaded.iteration == 4
        assert [h.parent_id for h in await cp.history(t, 2)] == [plain, ids[2]]
        assert sorted(r.checkpoint_id for r in records) == sorted([ids[0], ids[2]])
        assert {r.checkpoint_id: r.parent_id for r in records}[ids[2]] == ids[1]
    finally:
        await cp.aclose()


async def test_connections_the_server_closed_are_replaced_before_use(dsn: str) -> None:
    """A pooled connection used moments ago skips the pre-use empty query, but one the
    server closed since (restart, ``pg_terminate_backend``) is still replaced: no call fails."""
    import psycopg

    cp = PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA, min_size=2, max_size=2)
    try:
        t = uuid.uuid4().hex
        await cp.save(AgentState(iteration=1), t)
        async with cp.pool.connection() as a, cp.pool.connection() as b:
            pids = [a.pgconn.backend_pid, b.pgconn.backend_pid]
        async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as admin:
            for pid in pids:
                await admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
        await cp.save(AgentState(iteration=2), t)  # no CheckpointConnectionError
        loaded = await cp.load(t)
        assert loaded is not None
        assert loaded.iteration == 2
    finally:
        await cp.aclose()
