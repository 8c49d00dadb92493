"""PostgresCheckpointer against the real server on 127.0.0.1:5432 (db ``test``)."""

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from locus.checkpoint import BaseCheckpointer, get_checkpointer
from locus.checkpoint.postgres import TABLE_SCHEMA_VERSION, PostgresCheckpointer
from locus.core.errors import CheckpointError
from locus.core.state import AgentState
from locus.testing import CheckpointerConformance, sample_state

pytestmark = pytest.mark.postgres

SCHEMA = f"locus_test_{uuid.uuid4().hex[:10]}"


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


class TestPostgresConformance(CheckpointerConformance):
    stores_raw_text = False  # JSONB only holds valid JSON

    @pytest.fixture(autouse=True)
    def _dsn(self, dsn: str) -> None:
        self.dsn = dsn

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        return PostgresCheckpointer.from_conn_string(self.dsn, schema=SCHEMA, **options)


async def test_url_resolves_through_plugin(dsn: str) -> None:
    for url in (dsn, dsn.replace("postgresql://", "postgres://")):
        cp = get_checkpointer(url, schema=SCHEMA)
        assert isinstance(cp, PostgresCheckpointer)
        async with cp:
            tid = uuid.uuid4().hex
            await cp.save(sample_state("u"), tid)
            assert await cp.load(tid) == sample_state("u")
            await cp.delete_thread(tid)


def test_backends_facade_names_the_class() -> None:
    from locus.memory import backends

    assert backends.PostgresCheckpointer is PostgresCheckpointer


async def test_setup_is_idempotent_and_versioned(dsn: str) -> None:
    import psycopg

    prefix = f"p{uuid.uuid4().hex[:6]}_"
    async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA, table_prefix=prefix) as cp:
        await cp.setup()
        await cp.setup()
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(f'SELECT v FROM "{SCHEMA}".{prefix}migrations').fetchall()
        assert rows == [(v,) for v in range(1, TABLE_SCHEMA_VERSION + 1)]
        conn.execute(f'INSERT INTO "{SCHEMA}".{prefix}migrations (v) VALUES (99)')
    cp2 = PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA, table_prefix=prefix)
    with pytest.raises(CheckpointError, match="upgrade locus-checkpoint-postgres"):
        await cp2.load("t")
    await cp2.aclose()


@pytest.mark.parametrize("payload_type", ["json", "jsonb"])
async def test_payload_is_queryable_json(dsn: str, payload_type: str) -> None:
    import psycopg

    tid = uuid.uuid4().hex
    prefix = f"{payload_type}_"
    async with PostgresCheckpointer.from_conn_string(
        dsn, schema=SCHEMA, table_prefix=prefix, payload_type=payload_type
    ) as cp:
        await cp.save(AgentState(iteration=7), tid, metadata={"user": "ada"})
        assert (await cp.load(tid)).iteration == 7
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            f"SELECT payload->'state'->>'iteration', metadata->>'user', "
            f"{payload_type}_typeof(payload), pg_typeof(payload)::text "
            f'FROM "{SCHEMA}".{prefix}checkpoints WHERE thread_id = %s',
            (tid,),
        ).fetchone()
    assert row == ("7", "ada", "object", payload_type)


def test_bad_payload_type() -> None:
    from locus.core.errors import ValidationError

    with pytest.raises(ValidationError):
        PostgresCheckpointer(None, payload_type="text")  # type: ignore[arg-type]


async def test_unreachable_server_is_a_checkpoint_error() -> None:
    cp = PostgresCheckpointer.from_conn_string(
        "postgresql://postgres@127.0.0.1:1/none?connect_timeout=1", max_size=1
    )
    cp.pool.timeout = 2
    with pytest.raises(CheckpointError, match="PostgreSQL"):
        await cp.load("t")
    await cp.aclose()


WRITER = """
import asyncio, sys
from locus.checkpoint.postgres import PostgresCheckpointer
from locus.core.state import AgentState

async def main(dsn, schema, worker, n):
    async with PostgresCheckpointer.from_conn_string(dsn, schema=schema, max_size=2) as cp:
        for i in range(n):
            await cp.save(AgentState(run_id=f"{worker}-{i}"), "shared-procs")

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
"""


def test_writer_processes_share_one_thread(dsn: str) -> None:
    import asyncio
    import subprocess
    import sys

    async def prepare() -> None:
        async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA) as cp:
            await cp.delete_thread("shared-procs")

    asyncio.run(prepare())
    workers, per_worker = 4, 15
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, dsn, SCHEMA, f"w{w}", str(per_worker)])
        for w in range(workers)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * workers

    async def check() -> None:
        async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA) as cp:
            hist = await cp.history("shared-procs")
            assert len(hist) == workers * per_worker
            ids = [h.checkpoint_id for h in hist]
            assert [h.parent_id for h in hist] == [*ids[1:], None]
            runs = {(await cp.load("shared-procs", i)).run_id for i in ids}
            assert len(runs) == workers * per_worker

    asyncio.run(check())


async def test_two_processes_share_one_thread(dsn: str, tmp_path: Path) -> None:
    from locus.testing._checkpoint_concurrency import race_processes

    thread = f"procs-{uuid.uuid4().hex[:8]}"
    async with PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA) as cp:
        await race_processes(
            cp,
            dsn,
            thread,
            tmp_path / "effects.log",
            workers=2,
            runs=20,
            options={"schema": SCHEMA},
        )
        await cp.delete_thread(thread)
