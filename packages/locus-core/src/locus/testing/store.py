"""The cross-thread store conformance suite (pytest).

Subclass :class:`StoreConformance` in a test module and implement
:meth:`make_store`; every test then runs against your backend. Each test
works under a namespace unique to it, so a shared server is safe.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from locus.core.errors import ValidationError
from locus.memory.store import BaseStore, NamespacedStore, StoreContext

__all__ = ["StoreConformance"]

UNICODE = 'héllo — 你好 — 🦜 — "q" \\ back'


class StoreConformance:
    """Behaviour every :class:`~locus.memory.BaseStore` must have."""

    async def make_store(self) -> BaseStore:
        """A store connected to the backend under test."""
        raise NotImplementedError("subclass StoreConformance and implement make_store")

    @pytest_asyncio.fixture
    async def store(self) -> AsyncIterator[BaseStore]:
        """A store from :meth:`make_store`, closed after the test."""
        store = await self.make_store()
        try:
            yield store
        finally:
            await store.close()

    @pytest.fixture
    def ns(self) -> tuple[str, ...]:
        """A namespace root unique to this test; cleaned up by the test itself."""
        return ("conformance", uuid.uuid4().hex[:12])

    async def test_put_get_roundtrip(self, store: BaseStore, ns: tuple[str, ...]) -> None:
        value = {"text": UNICODE, "n": [1, 2.5, None, True], "nested": {"a": {"b": "c"}}}
        item = await store.put(ns, "k", value, metadata={"source": "test"})
        assert (item.namespace, item.key, item.value, item.version) == (ns, "k", value, 1)
        got = await store.get_item(ns, "k")
        assert got is not None
        assert got.value == value
        assert got.metadata == {"source": "test"}
        assert await store.get(ns, "missing", "dflt") == "dflt"
        assert await store.exists(ns, "k")
        await store.clear_namespace(ns)

    async def test_overwrite_bumps_version_keeps_created(
        self, store: BaseStore, ns: tuple[str, ...]
    ) -> None:
        first = await store.put(ns, "k", 1)
        second = await store.put(ns, "k", 2)
        assert second.version == 2
        assert second.created_at == first.created_at
        assert second.updated_at >= first.updated_at
        assert await store.get(ns, "k") == 2
        await store.clear_namespace(ns)

    async def test_delete(self, store: BaseStore, ns: tuple[str, ...]) -> None:
        await store.put(ns, "k", "v")
        assert await store.delete(ns, "k") is True
        assert await store.delete(ns, "k") is False
        assert await store.get_item(ns, "k") is None

    async def test_namespaces_are_isolated(self, store: BaseStore, ns: tuple[str, ...]) -> None:
        await store.put((*ns, "a"), "k", "in a")
        await store.put((*ns, "b"), "k", "in b")
        assert await store.get((*ns, "a"), "k") == "in a"
        assert await store.get((*ns, "b"), "k") == "in b"
        assert await store.list_keys((*ns, "a")) == ["k"]
        assert await store.list_namespaces(ns) == [(*ns, "a"), (*ns, "b")]
        assert await store.clear_namespace(ns) == 2
        assert await store.list_namespaces(ns) == []

    async def test_search_prefix_query_filter_pagination(
        self, store: BaseStore, ns: tuple[str, ...]
    ) -> None:
        await store.put((*ns, "u1"), "tea", {"kind": "drink", "text": "Likes green TEA"})
        await store.put((*ns, "u1"), "code", {"kind": "work", "text": "writes Rust"})
        await store.put((*ns, "u2"), "tea", {"kind": "drink", "text": "hates tea"})
        found = await store.search(ns, query="tea", limit=None)
        assert sorted((i.namespace[-1], i.key) for i in found) == [("u1", "tea"), ("u2", "tea")]
        drinks = await store.search((*ns, "u1"), filter={"kind": "drink"})
        assert [i.key for i in drinks] == ["tea"]
        everything = await store.search(ns, limit=None)
        assert len(everything) == 3
        page = await store.search(ns, limit=2, offset=0)
        rest = await store.search(ns, limit=2, offset=2)
        assert len(page) == 2
        assert len(rest) == 1
        assert {(i.namespace, i.key) for i in page + rest} == {
            (i.namespace, i.key) for i in everything
        }
        newest = await store.put((*ns, "u2"), "new", {"text": "x"})
        assert (await store.search(ns, limit=1))[0].key == newest.key
        await store.clear_namespace(ns)

    async def test_ttl_expires(self, store: BaseStore, ns: tuple[str, ...]) -> None:
        if not store.capabilities.ttl:
            pytest.skip(f"{type(store).__name__} has no ttl")
        await store.put(ns, "short", "v", ttl=0.3)
        await store.put(ns, "long", "v", ttl=600)
        assert await store.get(ns, "short") == "v"
        await asyncio.sleep(1.2)
        assert await store.get_item(ns, "short") is None
        assert [i.key for i in await store.search(ns, limit=None)] == ["long"]
        await store.clear_namespace(ns)

    async def test_bad_input_is_a_validation_error(
        self, store: BaseStore, ns: tuple[str, ...]
    ) -> None:
        bad: list[tuple[Any, Any, Any]] = [
            ("users", "k", 1),  # a str, not a tuple
            ((), "k", 1),
            ((*ns, ""), "k", 1),
            (ns, "", 1),
            (ns, "k", {1, 2}),
            (ns, "k", float("nan")),
        ]
        for namespace, key, value in bad:
            with pytest.raises(ValidationError):
                await store.put(namespace, key, value)
        with pytest.raises(ValidationError):
            await store.put(ns, "k", 1, ttl=-1)
        assert await store.search(ns, limit=None) == []

    async def test_views(self, store: BaseStore, ns: tuple[str, ...]) -> None:
        view = NamespacedStore(store, ns)
        await view.put("a", 1)
        assert await view.get("a") == 1
        assert await view.scoped("sub").put("b", 2)
        assert await store.get((*ns, "sub"), "b") == 2
        ctx = StoreContext(store, user_id=f"{ns[1]}-user")
        await ctx.remember("pref", {"text": "short answers"})
        assert [i.key for i in await ctx.search_memories("short")] == ["pref"]
        assert await ctx.recall("pref") == {"text": "short answers"}
        assert await ctx.forget("pref") is True
        await view.clear()
