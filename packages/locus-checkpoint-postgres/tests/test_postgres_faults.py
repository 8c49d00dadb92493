"""PostgresCheckpointer on a broken network, through locus.testing's FaultProxy (issue #10).

Seen before the fix: a blackholed connection hung a run for >100 s and a dead
port took 30 s to fail. Each fault must now end in a typed error within the
configured bounds, then recover.
"""

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from locus import Agent
from locus.checkpoint import BaseCheckpointer
from locus.checkpoint.postgres import PostgresCheckpointer
from locus.core.errors import CheckpointTimeoutError, ValidationError
from locus.models import ScriptedModel
from locus.testing import FaultProxy, NetworkFaultConformance

pytestmark = pytest.mark.postgres

SCHEMA = f"locus_fault_{uuid.uuid4().hex[:10]}"


def _dsn() -> str:
    from locus.checkpoint.postgres.testing import local_dsn

    return local_dsn()


def _via(dsn: str, host: str, port: int) -> str:
    user = dsn.split("://", 1)[1].split("@", 1)[0]
    return f"postgresql://{user}@{host}:{port}/test"


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    value = _dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


class TestPostgresNetworkFaults(NetworkFaultConformance):
    upstream = ("127.0.0.1", 5432)
    backend = "postgres"
    kill_options = {"check_connections": False}

    @pytest.fixture(autouse=True)
    def _dsn(self, dsn: str) -> None:
        self.dsn = dsn

    async def make_checkpointer(
        self, host: str, port: int, *, operation_timeout: float, **options: Any
    ) -> BaseCheckpointer:
        return PostgresCheckpointer.from_conn_string(
            _via(self.dsn, host, port),
            schema=SCHEMA,
            connect_timeout=operation_timeout,
            statement_timeout=operation_timeout,
            operation_timeout=operation_timeout,
            **options,
        )


async def test_an_agent_run_on_a_blackholed_store_fails_typed_and_bounded(dsn: str) -> None:
    with FaultProxy("127.0.0.1", 5432) as proxy:
        cp = PostgresCheckpointer.from_conn_string(
            _via(dsn, proxy.host, proxy.port), schema=SCHEMA, operation_timeout=1.5
        )
        try:
            agent = Agent(model=ScriptedModel(["hi", "again"]), checkpointer=cp)
            assert (await agent.invoke("hello", thread_id="bh")).text == "hi"
            proxy.blackhole()
            with pytest.raises(CheckpointTimeoutError, match=r"operation_timeout=1\.5s") as info:
                await agent.invoke("more", thread_id="bh")
            assert info.value.backend == "postgres"
            proxy.passthrough()
            assert (await agent.invoke("more", thread_id="bh")).text == "again"
        finally:
            await asyncio.wait_for(cp.aclose(), 60)


def test_defaults_are_seconds_and_overridable(dsn: str) -> None:
    cp = PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA)
    assert (cp.net.connect_timeout, cp.net.statement_timeout, cp.net.operation_timeout) == (
        5.0,
        30.0,
        30.0,
    )
    kwargs: dict[str, Any] = cp.pool.kwargs
    assert kwargs["connect_timeout"] == 5
    assert kwargs["keepalives"] == 1
    assert kwargs["options"] == "-c statement_timeout=30000"
    url = dsn + "?connect_timeout=11&options=-c%20search_path%3Dpublic"
    custom = PostgresCheckpointer.from_conn_string(url, statement_timeout=2, operation_timeout=None)
    assert "connect_timeout" not in custom.pool.kwargs  # the URL's value wins
    assert custom.pool.kwargs["options"] == "-c search_path=public -c statement_timeout=2000"
    assert custom.net.operation_timeout is None
    with pytest.raises(ValidationError, match="operation_timeout"):
        PostgresCheckpointer.from_conn_string(dsn, operation_timeout=0)


async def test_statement_timeout_is_a_typed_timeout(dsn: str) -> None:
    cp = PostgresCheckpointer.from_conn_string(dsn, schema=SCHEMA, statement_timeout=0.2)
    await cp.setup()
    try:
        with pytest.raises(CheckpointTimeoutError, match=r"statement_timeout=0\.2s") as info:
            async with cp._connection("sleeping on the server") as conn:
                await conn.execute("SELECT pg_sleep(5)")
        assert info.value.operation == "sleeping on the server"
    finally:
        await cp.aclose()
