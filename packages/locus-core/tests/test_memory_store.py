"""The cross-thread store: conformance of InMemoryStore, URLs, and ToolContext.store."""

from __future__ import annotations

import pytest

from locus import Agent, ToolContext, tool
from locus.core.errors import PluginNotFoundError, ValidationError
from locus.core.messages import ToolCall
from locus.memory import InMemoryStore, StoreContext, get_store, list_stores
from locus.memory.store import BaseStore
from locus.models import ScriptedModel
from locus.observability import get_event_bus, run_context
from locus.testing import StoreConformance


class TestInMemoryStore(StoreConformance):
    async def make_store(self) -> BaseStore:
        return InMemoryStore()


def test_memory_url_and_missing_plugin_named() -> None:
    assert isinstance(get_store("memory://"), InMemoryStore)
    assert "memory" in list_stores()
    with pytest.raises(ValidationError, match="scheme://"):
        get_store("no-scheme")
    with pytest.raises(PluginNotFoundError):
        get_store("nosuchdb://x")


@tool
async def remember(fact: str, ctx: ToolContext) -> str:
    """Remember a fact about the user.

    Args:
        fact: The fact to keep.
    """
    assert ctx.store is not None
    await ctx.store.remember("fact", {"text": fact})
    await ctx.store.get_session_memory().put("seen", True)
    return "noted"


@tool
async def recall(ctx: ToolContext) -> str:
    """Recall what is known about the user."""
    assert ctx.store is not None
    value = await ctx.store.recall("fact", {})
    return str(value.get("text", "nothing"))


async def test_tools_share_memory_across_threads_through_tool_context() -> None:
    store = InMemoryStore()
    first = Agent(
        model=ScriptedModel([ToolCall(name="remember", arguments={"fact": "likes tea"}), "ok"]),
        tools=[remember],
        store=StoreContext(store, user_id="u1"),
    )
    await first.invoke("I like tea", thread_id="t1")
    # a different agent, a different thread: the user's memory is there
    second = Agent(
        model=ScriptedModel([ToolCall(name="recall", arguments={}), "done"]),
        tools=[recall],
        store=StoreContext(store, user_id="u1"),
    )
    result = await second.invoke("what do I like?", thread_id="t2")
    assert result.tool_executions[0].result == "likes tea"
    # the session scratch space is bound to the thread id
    assert await store.get(("sessions", "t1"), "seen") is True
    assert await store.list_namespaces(("sessions",)) == [("sessions", "t1")]


async def test_store_writes_are_events() -> None:
    store = InMemoryStore()
    async with run_context() as run_id:
        await store.put(("a",), "k", 1)
        await store.delete(("a",), "k")
    types = [e.event_type for e in get_event_bus().history(run_id)]
    assert types == ["memory.store.put", "memory.store.deleted"]


def test_agent_rejects_a_non_store() -> None:
    with pytest.raises(ValidationError, match="BaseStore"):
        Agent(model="test", store={"not": "a store"})


async def test_context_without_user_says_what_to_do() -> None:
    from locus.core.errors import ConfigError

    ctx = StoreContext(InMemoryStore())
    with pytest.raises(ConfigError, match="user_id"):
        await ctx.remember("k", 1)


def test_checkpointer_registry_under_locus_memory() -> None:
    from locus.checkpoint.memory import MemoryCheckpointer
    from locus.memory import (
        BaseCheckpointer,
        get_checkpointer,
        list_checkpointers,
        register_checkpointer,
    )
    from locus.plugins import reset_plugin_manager

    assert isinstance(get_checkpointer("memory://"), BaseCheckpointer)
    try:
        register_checkpointer("scratch", lambda url, **options: MemoryCheckpointer())
        assert "scratch" in list_checkpointers()
        assert isinstance(get_checkpointer("scratch://x"), MemoryCheckpointer)
        with pytest.raises(ValidationError, match="already registered"):
            register_checkpointer("memory", lambda url, **options: None)
    finally:
        reset_plugin_manager()
