"""PostgresStore against the real server on 127.0.0.1:5432 (db ``test``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from locus.checkpoint.postgres import PostgresStore
from locus.memory import get_store
from locus.memory.store import BaseStore
from locus.testing import StoreConformance

pytestmark = pytest.mark.postgres

SCHEMA = f"locus_store_test_{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="module")
def dsn() -> Iterator[str]:
    import psycopg

    from locus.checkpoint.postgres.testing import local_dsn

    value = local_dsn()
    yield value
    with psycopg.connect(value, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


class TestPostgresStoreConformance(StoreConformance):
    @pytest.fixture(autouse=True)
    def _dsn(self, dsn: str) -> None:
        self.dsn = dsn

    async def make_store(self) -> BaseStore:
        return PostgresStore.from_conn_string(self.dsn, schema=SCHEMA, max_size=2)


async def test_url_resolves_through_the_plugin_and_data_is_shared(dsn: str) -> None:
    writer = get_store(dsn, schema=SCHEMA, max_size=1)
    reader = get_store(dsn.replace("postgresql://", "postgres://"), schema=SCHEMA, max_size=1)
    assert isinstance(writer, PostgresStore)
    ns = ("shared", uuid.uuid4().hex[:8])
    try:
        await writer.put(ns, "k", {"text": "100% sure_thing"})
        # two stores (two pools: think two processes) see the same rows
        assert await reader.get(ns, "k") == {"text": "100% sure_thing"}
        # LIKE wildcards in a query are literal text
        assert [i.key for i in await reader.search(ns, query="0% s")] == ["k"]
        assert await reader.search(ns, query="1_0") == []
    finally:
        await writer.clear_namespace(ns)
        await writer.close()
        await reader.close()


async def test_vacuum_removes_expired_rows(dsn: str) -> None:
    import asyncio

    store = PostgresStore.from_conn_string(dsn, schema=SCHEMA, max_size=1)
    ns = ("vacuum", uuid.uuid4().hex[:8])
    try:
        await store.put(ns, "gone", 1, ttl=0.2)
        await asyncio.sleep(0.5)
        assert await store.vacuum() >= 1
        assert await store.get_item(ns, "gone") is None
    finally:
        await store.close()
