"""PgVectorStore: its SQL (filters run on the real local PostgreSQL, which lacks pgvector),
the error when the extension is missing, and the conformance kit when
``LOCUS_TEST_PGVECTOR_DSN`` names a server with pgvector."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from locus.core.errors import ValidationError, VectorStoreError
from locus.rag.stores import Document, VectorStore, get_vector_store
from locus.rag.stores._filters import matches
from locus.rag.stores._pgsql import create_statements, search_sql, where_sql
from locus.rag.stores.pgvector import PgVectorStore
from locus.rag.testing import PersistentVectorStoreConformance
from locus.testing import service_unavailable

PGVECTOR_DSN = os.environ.get("LOCUS_TEST_PGVECTOR_DSN")

ROWS: list[dict[str, Any]] = [
    *({"i": i, "parity": "even" if i % 2 == 0 else "odd", "tag": f"t{i % 3}"} for i in range(20)),
    {"i": 2.5, "name": "b"},
    {"name": "a", "flag": True},
    {"name": "Z", "none": None},
    {"i": "7", "tags": ["x", "y"]},
    {},
]
FILTERS: list[dict[str, Any]] = [
    {"parity": "even"},
    {"i": 3},
    {"i": 2.5},
    {"i": {"$gte": 5, "$lt": 8}},
    {"i": {"$gt": 2, "$lte": 3}},
    {"name": {"$gt": "Z"}},
    {"name": {"$lte": "a"}},
    {"tag": {"$in": ["t0", "t1"]}},
    {"tag": {"$nin": ["t0"]}},
    {"tag": {"$ne": "t0"}},
    {"i": {"$ne": 4}},
    {"none": None},
    {"none": {"$ne": None}},
    {"flag": True},
    {"$or": [{"i": 1}, {"name": "a"}], "flag": {"$ne": False}},
    {"$and": [{"parity": "odd"}, {"i": {"$in": [1, 3, 99]}}]},
    {"i": "7"},
    {"missing": {"$nin": [1]}},
]


@pytest.fixture(scope="module")
def dsn() -> str:
    errors = []
    for user in ("postgres", "root"):
        value = f"postgresql://{user}@127.0.0.1:5432/test"
        try:
            psycopg.connect(value, connect_timeout=3).close()
            return value
        except Exception as exc:
            errors.append(f"{user}: {exc}")
    service_unavailable("PostgreSQL on 127.0.0.1:5432 (db test): " + "; ".join(errors))


@pytest.fixture(scope="module")
def metadata_table(dsn: str) -> Iterator[tuple[psycopg.Connection[Any], str]]:
    schema = f"locus_rag_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        conn.execute(f'CREATE TABLE "{schema}".t (id text PRIMARY KEY, metadata jsonb NOT NULL)')
        with conn.cursor() as cur:
            cur.executemany(
                f'INSERT INTO "{schema}".t VALUES (%s, %s::jsonb)',
                [(str(n), json.dumps(meta)) for n, meta in enumerate(ROWS)],
            )
        try:
            yield conn, schema
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.mark.parametrize("flt", FILTERS, ids=[json.dumps(f) for f in FILTERS])
def test_filter_sql_selects_what_the_python_matcher_selects(
    metadata_table: tuple[psycopg.Connection[Any], str], flt: dict[str, Any]
) -> None:
    conn, schema = metadata_table
    where, params = where_sql(flt)
    got = {r[0] for r in conn.execute(f'SELECT id FROM "{schema}".t WHERE {where}', params)}
    expected = {str(n) for n, meta in enumerate(ROWS) if matches(meta, flt)}
    assert got == expected


def test_ddl_names_the_index_and_operator_class() -> None:
    hnsw = create_statements("kb", "docs", 384, "cosine", "hnsw", hnsw_m=32)
    assert hnsw[0] == "CREATE EXTENSION IF NOT EXISTS vector"
    assert "embedding vector(384) NOT NULL" in hnsw[2]
    assert hnsw[3] == (
        'CREATE INDEX IF NOT EXISTS "docs_embedding_idx" ON "kb"."docs" USING hnsw '
        "(embedding vector_cosine_ops) WITH (m = 32, ef_construction = 64)"
    )
    ivf = create_statements("kb", "docs", 8, "l2", "ivfflat", ivf_lists=50)
    assert ivf[3].endswith("USING ivfflat (embedding vector_l2_ops) WITH (lists = 50)")
    assert len(create_statements("kb", "docs", 8, "dot", "flat")) == 3
    with pytest.raises(ValidationError, match="index_type"):
        create_statements("kb", "docs", 8, "dot", "annoy")
    with pytest.raises(ValidationError, match="letters"):
        create_statements("kb", 'x"; DROP TABLE y; --', 8, "dot")


def test_search_sql_orders_by_the_metric_operator() -> None:
    sql, params = search_sql("public", "kb", "dot", [0.5, 1.0], 3, {"lang": "en"})
    assert "embedding <#> %s::vector AS distance" in sql
    assert sql.endswith("ORDER BY embedding <#> %s::vector LIMIT %s")
    assert params == ["[0.5,1.0]", "lang", '"en"', "[0.5,1.0]", 3]
    assert "<=>" in search_sql("public", "kb", "cosine", [1.0], 1, None)[0]
    assert "<->" in search_sql("public", "kb", "l2", [1.0], 1, None)[0]


async def test_a_server_without_pgvector_gets_a_clear_error(dsn: str) -> None:
    table = f"locus_rag_{uuid.uuid4().hex[:10]}"
    store = get_vector_store("pgvector://" + dsn.split("://", 1)[1], table=table)
    assert isinstance(store, PgVectorStore)
    try:
        assert await store.count() == 0
        with pytest.raises(VectorStoreError, match="pgvector extension is not available"):
            await store.add([Document(id="a", content="a", embedding=[1.0, 0.0])])
    finally:
        await store.close()
    with psycopg.connect(dsn) as conn:
        found = conn.execute("SELECT to_regclass(%s)", [f"public.{table}"]).fetchone()
    assert found == (None,)


@pytest.mark.skipif(
    not PGVECTOR_DSN, reason="set LOCUS_TEST_PGVECTOR_DSN to a PostgreSQL with pgvector"
)
class TestPgVectorConformance(PersistentVectorStoreConformance):
    schema = f"locus_rag_{uuid.uuid4().hex[:8]}"

    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        self.table = f"t_{uuid.uuid4().hex[:10]}"
        assert PGVECTOR_DSN is not None
        return PgVectorStore(
            PGVECTOR_DSN, schema=self.schema, table=self.table, dimension=dimension
        )

    async def reopen_store(self, store: VectorStore, tmp_path: Path) -> VectorStore:
        assert PGVECTOR_DSN is not None
        return PgVectorStore(PGVECTOR_DSN, schema=self.schema, table=self.table)
