"""Core checkpointer behaviour beyond the conformance kit: URLs, events, serde, registry."""

import json
from pathlib import Path

import pytest

from locus.checkpoint import (
    BaseCheckpointer,
    FileCheckpointer,
    MemoryCheckpointer,
    SQLiteCheckpointer,
    get_checkpointer,
)
from locus.checkpoint.serde import SCHEMA_VERSION, MigrationRegistry, Serde
from locus.core.errors import (
    CheckpointSerializationError,
    ConfigError,
    PluginNotFoundError,
    ValidationError,
)
from locus.core.state import AgentState
from locus.observability import get_event_bus, run_context
from locus.testing import sample_state


def test_get_checkpointer_urls(tmp_path: Path) -> None:
    assert isinstance(get_checkpointer("memory://"), MemoryCheckpointer)
    sqlite_cp = get_checkpointer(f"sqlite:///{tmp_path}/a/b.db")
    assert isinstance(sqlite_cp, SQLiteCheckpointer)
    assert sqlite_cp.path == f"{tmp_path}/a/b.db"
    assert get_checkpointer("sqlite:///rel.db").path == "rel.db"
    assert get_checkpointer("sqlite://").path == ":memory:"
    file_cp = get_checkpointer(f"file://{tmp_path}/ck")
    assert isinstance(file_cp, FileCheckpointer)
    assert file_cp.root == tmp_path / "ck"
    assert get_checkpointer("memory://", ttl=5).ttl == 5


def test_bad_urls() -> None:
    with pytest.raises(ValidationError):
        get_checkpointer("threads.db")
    with pytest.raises(ValidationError, match="no host"):
        get_checkpointer("sqlite://host/x.db")
    with pytest.raises(PluginNotFoundError):
        get_checkpointer("nosuchdb://x")
    with pytest.raises(ValidationError):
        MemoryCheckpointer(ttl=0)
    with pytest.raises(ValidationError):
        SQLiteCheckpointer(":memory:", table_prefix="bad-prefix;")


def test_backends_facade() -> None:
    from locus.memory import backends

    assert backends.SQLiteCheckpointer is SQLiteCheckpointer
    assert backends.MemoryCheckpointer is MemoryCheckpointer
    assert backends.FileCheckpointer is FileCheckpointer


def test_base_is_abstract() -> None:
    with pytest.raises(TypeError):
        BaseCheckpointer()  # type: ignore[abstract]


async def test_sqlite_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    async with SQLiteCheckpointer(path) as cp:
        cid = await cp.save(sample_state("p"), "thread")
    async with SQLiteCheckpointer(path) as cp:
        loaded = await cp.load("thread")
        assert loaded == sample_state("p")
        assert await cp.list_checkpoints("thread") == [cid]


async def test_sqlite_rejects_newer_table_schema(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "t.db"
    async with SQLiteCheckpointer(path) as cp:
        await cp.setup()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO locus_schema (version) VALUES (7)")
    conn.commit()
    conn.close()
    cp = SQLiteCheckpointer(path)
    with pytest.raises(Exception, match="upgrade locus-core"):
        await cp.load("t")
    await cp.aclose()


async def test_file_corrupt_header_names_file(tmp_path: Path) -> None:
    cp = FileCheckpointer(tmp_path)
    await cp.save(AgentState(), "t", "c1")
    (path,) = list(tmp_path.glob("*/*.ckpt"))  # noqa: ASYNC240
    path.write_bytes(b"garbage\n{}")
    with pytest.raises(CheckpointSerializationError, match="corrupt"):
        await cp.load("t")


async def test_events_published_in_run_context() -> None:
    cp = MemoryCheckpointer()
    async with run_context() as rid:
        cid = await cp.save(AgentState(), "t1")
        await cp.load("t1")
        await cp.delete_thread("t1")
    events = [(e.event_type, e.data) for e in get_event_bus().history(rid)]
    saved = [d for t, d in events if t == "memory.checkpoint.saved"]
    loaded = [d for t, d in events if t == "memory.checkpoint.loaded"]
    assert saved[0]["checkpoint_id"] == cid
    assert saved[0]["backend"] == "memory"
    assert saved[0]["size_bytes"] > 0
    assert loaded[0]["thread_id"] == "t1"
    assert ("memory.checkpoint.deleted", {"thread_id": "t1", "backend": "memory"}) in events


def test_serde_envelope_shape() -> None:
    text = Serde().dumps(AgentState(iteration=2))
    env = json.loads(text)
    assert env["v"] == SCHEMA_VERSION
    assert env["state"]["iteration"] == 2


def test_serde_reads_parsed_and_reformatted_json() -> None:
    serde = Serde()
    state = sample_state("s")
    env = json.loads(serde.dumps(state))
    assert serde.loads(env, thread_id="t", checkpoint_id="c") == state
    spaced = json.dumps(env, indent=2, sort_keys=True)
    assert serde.loads(spaced, thread_id="t", checkpoint_id="c") == state
    assert serde.loads(spaced.encode(), thread_id="t", checkpoint_id="c") == state


def test_serde_migration_chain_and_errors() -> None:
    reg = MigrationRegistry()
    reg.register(1, 2, lambda env: {**env, "state": {**env["state"], "iteration": 20}})
    reg.register(2, 3, lambda env: {**env, "state": {**env["state"], "confidence": 0.5}})
    v1 = Serde().dumps(AgentState(iteration=1))
    state = Serde(3, reg).loads(v1, thread_id="t", checkpoint_id="c")
    assert (state.iteration, state.confidence) == (20, 0.5)
    reg.unregister(2)
    with pytest.raises(CheckpointSerializationError, match="no migration from v2"):
        Serde(3, reg).loads(v1, thread_id="t", checkpoint_id="c")
    with pytest.raises(ConfigError):
        reg.register(1, 3, lambda env: env)
    with pytest.raises(ConfigError):
        reg.register(1, 2, lambda env: env)


def test_serde_failed_migration_is_serialization_error() -> None:
    reg = MigrationRegistry()

    def broken(env: dict) -> dict:
        raise RuntimeError("nope")

    reg.register(1, 2, broken)
    with pytest.raises(CheckpointSerializationError, match="nope"):
        Serde(2, reg).loads(Serde().dumps(AgentState()), thread_id="t", checkpoint_id="c")


def test_migration_decorator_registers_globally() -> None:
    from locus.checkpoint.serde import default_migrations, migration

    @migration(from_=100, to=101)
    def _up(env: dict) -> dict:
        return env

    try:
        assert default_migrations._steps[100] is _up
    finally:
        default_migrations.unregister(100)


def test_decode_metadata_rejects_damaged_rows_with_a_typed_error() -> None:
    # issue #10: damaged metadata used to load as {"_corrupt_metadata": ...}; it now
    # fails closed, naming the thread and checkpoint
    from locus.checkpoint import decode_metadata

    assert decode_metadata('{"a": [1, "b"]}') == {"a": [1, "b"]}
    assert decode_metadata({"already": "parsed"}) == {"already": "parsed"}
    assert decode_metadata("") == {}
    assert decode_metadata(None) == {}
    assert decode_metadata("{}") == {}
    for bad in ("not json", "[1, 2]", 42):
        with pytest.raises(CheckpointSerializationError, match="'c1' of thread 't1'"):
            decode_metadata(bad, thread_id="t1", checkpoint_id="c1")
