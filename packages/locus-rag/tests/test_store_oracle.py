"""OracleVectorStore at the driver level: a recording stand-in for python-oracledb's async
pool checks the SQL and binds it sends; ``LOCUS_TEST_ORACLE_DSN`` (user/password@host/service
of a 23ai+ database) runs the conformance kit for real."""

from __future__ import annotations

import array
import os
import uuid
from pathlib import Path
from typing import Any

import oracledb
import pytest

from locus.core.errors import ValidationError, VectorStoreError
from locus.rag.stores import Document, VectorStore, get_vector_store
from locus.rag.stores._oraclesql import create_statements, search_sql, where_sql
from locus.rag.stores.oracle import OracleVectorStore
from locus.rag.testing import PersistentVectorStoreConformance

ORACLE = os.environ.get("LOCUS_TEST_ORACLE_DSN")


class Recording:
    """Enough of an oracledb async pool: records (sql, binds), answers by SQL prefix."""

    def __init__(self, answers: dict[str, list[tuple[Any, ...]]] | None = None) -> None:
        self.answers = answers or {}
        self.log: list[tuple[str, Any]] = []
        self.fail: Exception | None = None
        self.closed = False

    def acquire(self) -> Recording:
        return self

    async def __aenter__(self) -> Recording:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def cursor(self) -> Recording:
        return self

    async def execute(self, sql: str, binds: Any) -> None:
        await self.executemany(sql, binds)

    async def executemany(self, sql: str, binds: Any) -> None:
        self.log.append((sql, binds))
        if self.fail:
            raise self.fail
        self._rows = next((rows for k, rows in self.answers.items() if sql.startswith(k)), [])
        self.rowcount = len(self._rows) or 2

    async def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._rows)

    async def commit(self) -> None:
        self.log.append(("COMMIT", None))

    async def rollback(self) -> None:
        self.log.append(("ROLLBACK", None))

    async def close(self) -> None:
        self.closed = True


async def test_first_add_creates_table_and_index_then_merges() -> None:
    pool = Recording()
    store = OracleVectorStore(pool=pool, table="kb", index_type="hnsw")
    await store.add(
        [
            Document(id="a", content="hello", embedding=[0.6, 0.8], metadata={"lang": "en"}),
            Document(id="b", content="bye", embedding=[1.0, 0.0]),
        ]
    )
    sqls = [sql for sql, _ in pool.log]
    assert sqls[0].startswith("CREATE TABLE IF NOT EXISTS KB (")
    assert "embedding VECTOR(2, FLOAT32) NOT NULL" in sqls[0]
    assert sqls[1] == (
        "CREATE VECTOR INDEX IF NOT EXISTS KB_VIDX ON KB (embedding) ORGANIZATION INMEMORY "
        "NEIGHBOR GRAPH DISTANCE COSINE WITH TARGET ACCURACY 95"
    )
    assert sqls[2] == "COMMIT"
    assert sqls[3].startswith("MERGE INTO KB d USING (SELECT :id AS id FROM dual)")
    rows = pool.log[3][1]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["metadata"] == '{"lang": "en"}'
    assert isinstance(rows[0]["embedding"], array.array)
    assert rows[0]["embedding"].typecode == "f"
    assert list(rows[0]["embedding"]) == pytest.approx([0.6, 0.8])
    assert sqls[4] == "COMMIT"


async def test_search_binds_the_query_and_maps_distances() -> None:
    pool = Recording(
        {
            "SELECT COUNT(*) FROM user_tab_columns": [(1,)],
            "SELECT VECTOR_DIMENSION_COUNT": [(2,)],
            "SELECT id, content": [("b", "text b", {"year": 2024}, 1.5, "text", 0.2)],
        }
    )
    store = OracleVectorStore(pool=pool, table="kb", distance_metric="dot")
    (hit,) = await store.search([1.0, 0.0], limit=3, filter={"year": {"$gte": 2023}})
    sql, binds = pool.log[-1]
    assert "VECTOR_DISTANCE(embedding, :query, DOT) AS distance" in sql
    assert sql.endswith("ORDER BY distance FETCH APPROX FIRST :k ROWS ONLY")
    assert """JSON_EXISTS(metadata, '$?(@."year" >= $v)' PASSING :f0 AS "v")""" in sql
    assert binds["k"] == 3
    assert binds["f0"] == 2023
    assert list(binds["query"]) == [1.0, 0.0]
    assert store.config.dimension == 2
    assert hit.id == "b"
    assert hit.score == pytest.approx(-0.2)  # Oracle's DOT distance is the negated product
    assert hit.metadata == {"year": 2024}


def test_filters_become_json_path_predicates() -> None:
    where, binds = where_sql(
        {
            "lang": {"$in": ["en", "fr"]},
            "draft": True,
            "tag": {"$ne": "x"},
            "gone": None,
            "$or": [{"n": {"$lt": 3}}, {"n": {"$nin": [7]}}],
        }
    )
    assert where == (
        """((JSON_EXISTS(metadata, '$?(@."lang" == $v)' PASSING :f0 AS "v") OR """
        """JSON_EXISTS(metadata, '$?(@."lang" == $v)' PASSING :f1 AS "v")) AND """
        """JSON_EXISTS(metadata, '$?(@."draft" == true)') AND """
        """NOT JSON_EXISTS(metadata, '$?(@."tag" == $v)' PASSING :f2 AS "v") AND """
        """JSON_EXISTS(metadata, '$?(@."gone" == null)') AND """
        """((JSON_EXISTS(metadata, '$?(@."n" < $v)' PASSING :f3 AS "v")) OR """
        """(NOT (JSON_EXISTS(metadata, '$?(@."n" == $v)' PASSING :f4 AS "v")))))"""
    )
    assert binds == {"f0": "en", "f1": "fr", "f2": "x", "f3": 3, "f4": 7}
    with pytest.raises(ValidationError, match="quotes"):
        where_sql({'a"b': 1})
    assert search_sql("kb", "l2", "flat", 1, None)[0].endswith("FETCH FIRST :k ROWS ONLY")
    assert len(create_statements("kb", 3, "l2", "flat")) == 1
    assert "NEIGHBOR PARTITIONS DISTANCE EUCLIDEAN" in create_statements("kb", 3, "l2", "ivf")[1]
    with pytest.raises(ValidationError):
        create_statements("kb; DROP TABLE x", 3, "l2", "flat")


async def test_delete_get_and_driver_errors() -> None:
    pool = Recording(
        {
            "SELECT COUNT(*) FROM user_tab_columns": [(1,)],
            "SELECT id, content, metadata, created_at, content_type, embedding": [
                ("a", "A", '{"k": 1}', 2.0, "text", array.array("f", [1.0, 0.0]))
            ],
        }
    )
    store = OracleVectorStore(pool=pool, table="kb")
    assert [d.metadata for d in await store.get(["z", "a"])] == [{"k": 1}]
    assert pool.log[-1][1] == {"i0": "z", "i1": "a"}
    assert await store.delete(["a"], filter={"k": 1}) == 2
    sql, binds = pool.log[-2]
    assert sql.startswith("DELETE FROM KB WHERE (JSON_EXISTS(")
    assert sql.endswith(" AND id IN (:i0)")
    assert binds == {"f0": 1, "i0": "a"}
    pool.fail = RuntimeError("ORA-51805: Vector is not properly formatted")
    with pytest.raises(VectorStoreError, match="ORA-51805"):
        await store.clear()
    assert pool.log[-1] == ("ROLLBACK", None)
    await store.close()
    assert pool.closed


def test_url_gives_dsn_and_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(oracledb, "create_pool_async", lambda **kw: seen.update(kw) or Recording())
    store = get_vector_store("oracle-vector://scott:t%40ger@db.example:1521/FREEPDB1", table="kb")
    assert isinstance(store, OracleVectorStore)
    assert seen["dsn"] == "db.example:1521/FREEPDB1"
    assert (seen["user"], seen["password"]) == ("scott", "t@ger")


@pytest.mark.skipif(not ORACLE, reason="set LOCUS_TEST_ORACLE_DSN=user/password@host:port/service")
class TestOracleConformance(PersistentVectorStoreConformance):
    async def make_store(self, tmp_path: Path, *, dimension: int | None = 8) -> VectorStore:
        assert ORACLE is not None
        creds, dsn = ORACLE.rsplit("@", 1)
        user, password = creds.split("/", 1)
        self.table = f"locus_{uuid.uuid4().hex[:10]}"
        self.conn = {"dsn": dsn, "user": user, "password": password}
        return OracleVectorStore(table=self.table, dimension=dimension, **self.conn)

    async def reopen_store(self, store: VectorStore, tmp_path: Path) -> VectorStore:
        return OracleVectorStore(table=self.table, **self.conn)
