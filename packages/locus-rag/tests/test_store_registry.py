"""Stores resolve from URLs through the ``locus_register_vector_stores`` hook."""

from __future__ import annotations

from pathlib import Path

import pytest

from locus.core.errors import PluginNotFoundError, ValidationError
from locus.plugins import plugin_report, reset_plugin_manager
from locus.rag.stores import (
    Document,
    InMemoryVectorStore,
    SQLiteVectorStore,
    get_vector_store,
    vector_store_registry,
)


@pytest.fixture(autouse=True)
def _fresh_plugins() -> None:
    reset_plugin_manager()


def test_memory_and_sqlite_urls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(get_vector_store("memory://"), InMemoryVectorStore)
    monkeypatch.chdir(tmp_path)
    store = get_vector_store("sqlite:///kb.db", table="docs", distance_metric="dot")
    assert isinstance(store, SQLiteVectorStore)
    assert store.path == "kb.db"
    assert store.table == "docs"
    assert store.config.distance_metric == "dot"
    absolute = get_vector_store(f"sqlite:///{tmp_path}/abs.db")
    assert isinstance(absolute, SQLiteVectorStore)
    assert absolute.path == f"{tmp_path}/abs.db"


def test_unknown_scheme_suggests_a_close_name() -> None:
    with pytest.raises(PluginNotFoundError, match="sqlite"):
        get_vector_store("sqlit:///x.db")
    with pytest.raises(ValidationError, match="scheme://"):
        get_vector_store("kb.db")


def test_plugins_report_lists_vector_stores() -> None:
    info = next(i for i in plugin_report() if i.name == "locus-rag")
    assert info.status == "loaded"
    assert {"memory", "sqlite"} <= set(info.provides["vector store"])
    assert "locus_register_vector_stores" in info.hooks
    assert vector_store_registry().kind == "vector store"


async def test_sqlite_rejects_a_different_metric_on_an_existing_table(tmp_path: Path) -> None:
    store = SQLiteVectorStore(tmp_path / "kb.db", distance_metric="l2")
    await store.add([Document(id="a", content="a", embedding=[3.0, 4.0])])
    await store.close()
    with pytest.raises(ValidationError, match="l2"):
        SQLiteVectorStore(tmp_path / "kb.db", distance_metric="cosine")
    again = SQLiteVectorStore(tmp_path / "kb.db", distance_metric="l2")
    (hit,) = await again.search([3.0, 4.0], limit=1)
    assert hit.distance == pytest.approx(0.0)
    assert hit.score == pytest.approx(1.0)
    assert again.config.dimension == 2
    await again.close()


async def test_dot_and_l2_metrics_rank_by_their_own_measure() -> None:
    docs = [
        Document(id="near", content="", embedding=[1.0, 0.0]),
        Document(id="long", content="", embedding=[10.0, 1.0]),
    ]
    dot = InMemoryVectorStore(distance_metric="dot")
    await dot.add(docs)
    assert [r.id for r in await dot.search([1.0, 0.0])] == ["long", "near"]
    l2 = InMemoryVectorStore(distance_metric="l2")
    await l2.add(docs)
    ranked = await l2.search([1.0, 0.0])
    assert [r.id for r in ranked] == ["near", "long"]
    assert ranked[1].distance == pytest.approx((81 + 1) ** 0.5, rel=1e-5)
