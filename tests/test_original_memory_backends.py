"""The original locus's ``locus.memory.backends.<db>`` Backend/Config pairs build our checkpointers.

PostgreSQL and Redis run against the local servers; OpenSearch is checked at
the client it builds (no server here), Oracle at its connect string.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest

from locus import Agent
from locus.core.errors import ValidationError


@pytest.mark.postgres
async def test_postgresql_backend_uses_schema_table_and_pool_settings() -> None:
    import psycopg

    from locus.checkpoint.postgres import PostgresCheckpointer
    from locus.checkpoint.postgres.testing import local_dsn
    from locus.memory.backends import PostgreSQLBackend
    from locus.memory.backends.postgresql import PostgreSQLConfig

    dsn = local_dsn()
    parts = urlsplit(dsn)
    schema = f"locus_test_pgb_{uuid.uuid4().hex[:10]}"
    config = PostgreSQLConfig(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        database=parts.path.lstrip("/"),
        user=parts.username or "postgres",
        schema_name=schema,
        table_name="runs",
        max_pool_size=2,
    )
    assert config.dsn == dsn
    saver = PostgreSQLBackend(config=config)
    try:
        assert isinstance(saver, PostgresCheckpointer)
        await Agent(model="test", checkpointer=saver).invoke("one", thread_id="t")
        state = await saver.load("t")
        assert state is not None
        assert state.messages[0].content == "one"
        with psycopg.connect(dsn) as conn:
            tables = {
                row[0]
                for row in conn.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                    (schema,),
                )
            }
        assert "runs_checkpoints" in tables
    finally:
        await saver.aclose()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.mark.redis
async def test_redis_backend_uses_db_prefix_and_ttl() -> None:
    import redis

    from locus.checkpoint.redis import RedisCheckpointer
    from locus.memory.backends.redis import RedisBackend, RedisConfig

    prefix = f"locus-test-rb:{uuid.uuid4().hex[:10]}:"
    config = RedisConfig(url="redis://127.0.0.1:6379", db=3, prefix=prefix, ttl_seconds=600)
    assert config.connection_url() == "redis://127.0.0.1:6379/3"
    saver = RedisBackend(config)
    try:
        assert isinstance(saver, RedisCheckpointer)
        await Agent(model="test", checkpointer=saver).invoke("one", thread_id="t")
        state = await saver.load("t")
        assert state is not None
        assert state.messages[0].content == "one"
        client = redis.Redis.from_url("redis://127.0.0.1:6379/3")
        ttls = [client.ttl(k) for k in client.keys(f"{prefix}*")]
        assert any(0 < ttl <= 660 for ttl in ttls)  # the checkpoint expires
        assert not redis.Redis.from_url("redis://127.0.0.1:6379/0").keys(f"{prefix}*")
    finally:
        await saver.delete_thread("t")
        await saver.aclose()
        client = redis.Redis.from_url("redis://127.0.0.1:6379/3")
        leftovers = client.keys(f"{prefix}*")
        if leftovers:
            client.delete(*leftovers)


async def test_opensearch_backend_builds_a_client_on_the_configured_host() -> None:
    from locus.checkpoint.opensearch import OpenSearchCheckpointer
    from locus.memory.backends import opensearch_checkpointer
    from locus.memory.backends.opensearch import OpenSearchBackend, OpenSearchConfig

    saver = opensearch_checkpointer(
        hosts=["search.example:9200"],
        index_name="threads",
        username="u",
        password="p",
        use_ssl=True,
    )
    try:
        assert isinstance(saver, OpenSearchCheckpointer)
        assert saver.index == "threads"
        host = saver.client.transport.hosts[0]
        assert (host["host"], host["port"], host["use_ssl"]) == ("search.example", 9200, True)
        assert saver.client.transport.kwargs["http_auth"] == ("u", "p")
    finally:
        await saver.aclose()
    with pytest.raises(ValidationError, match="exactly one host"):
        OpenSearchBackend(OpenSearchConfig(hosts=["a:9200", "b:9200"]))


def test_oracle_config_builds_the_easy_connect_string() -> None:
    from locus.memory.backends.oracle import OracleConfig

    assert OracleConfig(host="db", port=1522, service_name="PDB1").dsn == "db:1522/PDB1"
    assert OracleConfig(dsn="tns_alias", host="ignored").dsn == "tns_alias"


def test_unknown_backend_names_stay_attribute_errors() -> None:
    import locus.memory.backends as backends

    assert not hasattr(backends, "HTTPCheckpointer")  # a gap: docs/migrating.md
    assert "PostgreSQLBackend" in dir(backends)
