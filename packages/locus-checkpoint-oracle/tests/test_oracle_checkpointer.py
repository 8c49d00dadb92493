"""OracleCheckpointer at the driver-call level (a fake pool records SQL and binds).

No Oracle server runs here; set ``LOCUS_TEST_ORACLE_DSN`` to run the
conformance kit against a real one.
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import oracledb
import pytest

from locus.checkpoint import BaseCheckpointer, get_checkpointer
from locus.checkpoint.oracle import OracleCheckpointer, from_url
from locus.core.errors import (
    CheckpointConflictError,
    CheckpointError,
    CheckpointNotFoundError,
    ValidationError,
)
from locus.core.state import AgentState
from locus.testing import CheckpointerConformance, sample_state

Responder = Callable[[str, dict[str, Any]], list[tuple[Any, ...]]]


class FakeCursor:
    def __init__(self, conn: "FakeConnection") -> None:
        self.conn = conn
        self.rows: list[tuple[Any, ...]] = []
        self.rowcount = 0
        self.outputtypehandler: Any = None
        self.inputsizes: dict[str, Any] = {}

    def setinputsizes(self, **sizes: Any) -> None:
        self.inputsizes = sizes

    async def execute(self, sql: str, binds: dict[str, Any] | None = None) -> None:
        binds = dict(binds or {})
        self.conn.pool.log.append((" ".join(sql.split()), binds))
        self.conn.pool.cursors.append(self)
        if self.conn.pool.fail:
            raise oracledb.DatabaseError("ORA-12541: Cannot connect. No listener")
        self.rows = self.conn.pool.responder(sql, binds)
        self.rowcount = self.conn.pool.rowcount

    async def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows[0] if self.rows else None

    async def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self.rows)


class FakeConnection:
    def __init__(self, pool: "FakePool") -> None:
        self.pool = pool

    def cursor(self) -> FakeCursor:
        return FakeCursor(self)

    async def commit(self) -> None:
        self.pool.log.append(("COMMIT", {}))

    async def rollback(self) -> None:
        self.pool.log.append(("ROLLBACK", {}))

    async def __aenter__(self) -> "FakeConnection":
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class FakePool:
    def __init__(self, responder: Responder | None = None, version: int = 1) -> None:
        self.log: list[tuple[str, dict[str, Any]]] = []
        self.cursors: list[FakeCursor] = []
        self.version = version
        self.fail = False
        self.rowcount = 0
        self.closed = False
        self._responder = responder

    def responder(self, sql: str, binds: dict[str, Any]) -> list[tuple[Any, ...]]:
        if "NVL(MAX(v), 0)" in sql:
            return [(self.version,)]
        return self._responder(sql, binds) if self._responder else []

    def acquire(self) -> FakeConnection:
        return FakeConnection(self)

    async def close(self) -> None:
        self.closed = True

    def statements(self) -> list[str]:
        return [sql for sql, _ in self.log]


def _row(state: AgentState, cid: str = "c1", meta: str = '{"k": 1}') -> tuple[Any, ...]:
    payload = json.dumps(
        {"v": 1, "state": json.loads(state.model_dump_json())}, separators=(",", ":")
    )
    return ("t1", cid, "c0", 10.0, None, 1, meta, payload)


async def test_setup_creates_tables_once_and_records_version() -> None:
    pool = FakePool(version=0)
    cp = OracleCheckpointer(pool)
    await cp.setup()
    await cp.setup()  # second call is a no-op
    stmts = pool.statements()
    assert stmts[0].startswith("BEGIN EXECUTE IMMEDIATE 'CREATE TABLE LOCUS_MIGRATIONS")
    assert stmts[1] == "LOCK TABLE LOCUS_MIGRATIONS IN EXCLUSIVE MODE"
    ddl = "BEGIN EXECUTE IMMEDIATE '"
    assert stmts[3].startswith(ddl + "CREATE TABLE LOCUS_THREADS")
    assert stmts[4].startswith(ddl + "CREATE TABLE LOCUS_CHECKPOINTS")
    assert "payload JSON NOT NULL" in stmts[4]
    assert stmts[5].startswith(ddl + "CREATE INDEX LOCUS_CHECKPOINTS_THREAD_SEQ")
    # a concurrent setup() may have created them first: "name already used" is ignored
    assert all("SQLCODE NOT IN (-955, -1408)" in s for s in stmts[3:6])
    assert stmts[6].startswith("MERGE INTO LOCUS_MIGRATIONS")
    assert pool.log[6][1] == {"v": 1}
    assert stmts[7:] == ["COMMIT"]


async def test_setup_skips_applied_migrations_and_rejects_newer() -> None:
    pool = FakePool(version=1)
    await OracleCheckpointer(pool, table_prefix="app_").setup()
    assert not any("CREATE TABLE APP_CHECKPOINTS" in s for s in pool.statements())
    newer = FakePool(version=5)
    with pytest.raises(CheckpointError, match="upgrade locus-checkpoint-oracle"):
        await OracleCheckpointer(newer).load("t1")
    assert newer.statements()[-1] == "ROLLBACK"


async def test_save_locks_thread_and_inserts_envelope() -> None:
    pool = FakePool()
    cp = OracleCheckpointer(pool)
    cid = await cp.save(AgentState(iteration=4), "t1", "c9", metadata={"user": "ada"})
    assert cid == "c9"
    writes = pool.log[-5:]
    assert writes[0][0].startswith("MERGE INTO LOCUS_THREADS")
    assert writes[1] == (
        "SELECT thread_id FROM LOCUS_THREADS WHERE thread_id = :thread_id FOR UPDATE",
        {"thread_id": "t1"},
    )
    assert writes[2][1] == {"thread_id": "t1", "cid": "c9"}
    sql, binds = writes[3]
    assert sql.startswith("INSERT INTO LOCUS_CHECKPOINTS")
    assert "ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY" in sql  # parent assigned in the insert
    assert json.loads(binds["payload"])["state"]["iteration"] == 4
    assert json.loads(binds["payload"])["v"] == 1
    assert json.loads(binds["metadata"]) == {"user": "ada"}
    assert binds["expires_at"] is None
    assert writes[4][0] == "COMMIT"
    insert_cursor = pool.cursors[-1]
    assert insert_cursor.inputsizes == {
        "payload": oracledb.DB_TYPE_CLOB,
        "metadata": oracledb.DB_TYPE_CLOB,
    }


async def test_load_decodes_rows_and_fetches_clobs_as_text() -> None:
    state = sample_state("o")
    pool = FakePool(
        lambda sql, binds: (
            [_row(state)] if sql.startswith("SELECT thread_id, checkpoint_id") else []
        )
    )
    cp = OracleCheckpointer(pool)
    assert await cp.load("t1") == state
    sql, binds = pool.log[-1]
    assert sql.endswith("ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY")
    assert "JSON_SERIALIZE(payload RETURNING CLOB)" in sql
    assert binds == {"thread_id": "t1"}
    assert pool.cursors[-1].outputtypehandler is not None
    record = await cp.load_record("t1", "c1")
    assert record is not None
    assert (record.parent_id, record.metadata) == ("c0", {"k": 1})
    assert pool.log[-1][1] == {"thread_id": "t1", "cid": "c1"}


async def test_read_many_is_one_bound_in_list_query() -> None:
    state = sample_state("o")

    def responder(sql: str, binds: dict[str, Any]) -> list[tuple[Any, ...]]:
        if "checkpoint_id IN" not in sql:
            return []
        stored = {"c1": _row(state, "c1"), "c3": _row(state, "c3", meta="{}")}
        return [stored[binds[k]] for k in sorted(binds) if k != "thread_id" and binds[k] in stored]

    pool = FakePool(responder)
    cp = OracleCheckpointer(pool)
    await cp.setup()
    before = len(pool.log)
    found = await cp._read_many("t1", ["c3", "nope", "c1", "c3"])
    assert len(pool.log) == before + 1  # one query, duplicates bound once
    sql, binds = pool.log[-1]
    assert "JSON_SERIALIZE(payload RETURNING CLOB)" in sql
    assert sql.endswith("AND checkpoint_id IN (:c0, :c1, :c2)")
    assert binds == {"thread_id": "t1", "c0": "c3", "c1": "nope", "c2": "c1"}
    assert pool.cursors[-1].outputtypehandler is not None
    assert sorted((r.checkpoint_id, r.parent_id, r.metadata) for r in found) == [
        ("c1", "c0", {"k": 1}),
        ("c3", "c0", {}),
    ]
    many = [f"c{i}" for i in range(1200)]
    await cp._read_many("t1", many)
    assert len(pool.log) == before + 1 + 3  # 500 ids per IN list
    assert await cp._read_many("t1", []) == []
    assert len(pool.log) == before + 4


async def test_missing_checkpoint_and_history_binds() -> None:
    pool = FakePool()
    cp = OracleCheckpointer(pool)
    with pytest.raises(CheckpointNotFoundError):
        await cp.load("t1", "nope")
    assert await cp.history("t1", limit=3) == []
    assert pool.log[-1][1] == {"thread_id": "t1", "n": 3}
    assert pool.log[-1][0].endswith("FETCH FIRST :n ROWS ONLY")


async def test_prune_deletes_old_ids_with_bound_in_list() -> None:
    rows = [("t1", f"c{i}", None, 10.0 - i, None, 1, "{}") for i in range(4)]
    pool = FakePool(lambda sql, binds: rows if "ORDER BY seq DESC" in sql else [])
    pool.rowcount = 2
    cp = OracleCheckpointer(pool)
    assert await cp.prune("t1", keep_latest=2) == 2
    sql, binds = pool.log[-3]
    assert sql.endswith("checkpoint_id IN (:c0, :c1)")
    assert binds == {"thread_id": "t1", "c0": "c2", "c1": "c3"}
    assert pool.log[-2][0].startswith("DELETE FROM LOCUS_THREADS")
    assert pool.log[-1][0] == "COMMIT"


async def test_driver_errors_become_checkpoint_errors() -> None:
    pool = FakePool()
    cp = OracleCheckpointer(pool, auto_setup=False)
    pool.fail = True
    with pytest.raises(CheckpointError, match=r"Oracle checkpointer failed .*ORA-12541"):
        await cp.save(AgentState(), "t1")


def test_url_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(oracledb, "create_pool_async", lambda **kw: calls.append(kw) or FakePool())
    cp = get_checkpointer("oracle://scott:p%40ss@db.example.com/FREEPDB1", ttl=60)
    assert isinstance(cp, OracleCheckpointer)
    assert cp.ttl == 60
    assert calls == [
        {
            "user": "scott",
            "password": "p@ss",
            "dsn": "db.example.com:1521/FREEPDB1",
            "min": 1,
            "max": 4,
        }
    ]
    with pytest.raises(ValidationError) as info:
        from_url("oracle://scott:secret@db.example.com")
    assert "secret" not in str(info.value)
    with pytest.raises(ValidationError):
        OracleCheckpointer(FakePool(), table_prefix="1bad")


def test_backends_facade_names_the_class() -> None:
    from locus.memory import backends

    assert backends.OracleCheckpointer is OracleCheckpointer


ORACLE_DSN = os.environ.get("LOCUS_TEST_ORACLE_DSN")


@pytest.mark.skipif(
    not ORACLE_DSN,
    reason="set LOCUS_TEST_ORACLE_DSN=oracle://user:pw@host:1521/service to run against a real Oracle Database",
)
class TestOracleConformance(CheckpointerConformance):
    stores_raw_text = False  # the JSON column only holds valid JSON

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        assert ORACLE_DSN
        return from_url(ORACLE_DSN, table_prefix="LOCUS_TEST_", **options)


async def test_compare_and_set_save_checks_the_head_under_the_thread_lock() -> None:
    head = ["c1"]

    def responder(sql: str, binds: dict[str, Any]) -> list[tuple[Any, ...]]:
        if sql.startswith("SELECT checkpoint_id FROM LOCUS_CHECKPOINTS"):
            return [(head[0],)]
        return []

    pool = FakePool(responder)
    cp = OracleCheckpointer(pool)
    cid = await cp.save(AgentState(iteration=2), "t1", "c2", expect_parent="c1")
    assert cid == "c2"
    writes = pool.log[-6:]
    assert writes[0][0].startswith("MERGE INTO LOCUS_THREADS")
    assert writes[1][0].endswith("FOR UPDATE")  # the thread's row lock serialises writers
    assert writes[2] == (
        "SELECT checkpoint_id FROM LOCUS_CHECKPOINTS WHERE thread_id = :thread_id "
        "ORDER BY seq DESC FETCH FIRST 1 ROWS ONLY",
        {"thread_id": "t1"},
    )
    sql, binds = writes[4]
    assert sql.startswith("INSERT INTO LOCUS_CHECKPOINTS")
    assert ":parent_id" in sql
    assert binds["parent_id"] == "c1"
    assert writes[5][0] == "COMMIT"

    head[0] = "someone-else"
    before = len(pool.log)
    with pytest.raises(CheckpointConflictError) as info:
        await cp.save(AgentState(iteration=3), "t1", "c3", expect_parent="c2")
    assert info.value.expected_parent == "c2"
    lost = pool.statements()[before:]
    assert "ROLLBACK" in lost
    assert not any(s.startswith("INSERT") for s in lost)  # nothing written
