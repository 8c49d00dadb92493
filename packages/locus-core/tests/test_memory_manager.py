"""The original locus's memory managers keep long-term memories in a locus store."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from locus import Agent
from locus.core.errors import ValidationError
from locus.core.messages import Message
from locus.memory import (
    InMemoryStore,
    LLMMemoryManager,
    Memory,
    MemoryType,
    NoopMemoryManager,
)
from locus.memory.store import StoreContext


def remember_preferences(messages: Sequence[Message], existing: Sequence[Memory]) -> list[Memory]:
    """A rule-based stand-in for a model call: 'I prefer X' becomes a USER memory."""
    found = []
    for message in messages:
        text = message.content or ""
        if message.role == "user" and text.startswith("I prefer "):
            found.append(Memory(MemoryType.USER, "preference", text[len("I prefer ") :]))
    return found


async def test_session_end_extracts_and_saves_session_start_retrieves() -> None:
    store = InMemoryStore()
    manager = LLMMemoryManager(store, extract_fn=remember_preferences)
    result = await Agent(model="test").invoke("I prefer tea")
    assert result.state is not None
    saved = await manager.on_session_end(result.state.messages)
    assert saved == [Memory(MemoryType.USER, "preference", "tea")]
    # the record is an ordinary store item (what tools see through ToolContext.store)
    assert await store.get(("locus_memory", "user"), "preference") == {
        "type": "user",
        "content": "tea",
        "metadata": {},
    }
    assert await manager.on_session_start() == saved
    assert await manager.retrieve("TEA") == saved
    assert await manager.retrieve("coffee") == []


async def test_same_key_replaces_and_max_memories_drops_the_oldest() -> None:
    manager = LLMMemoryManager(InMemoryStore(), max_memories=2, retrieve_limit=5)
    await manager.save([Memory(MemoryType.PROJECT, "deadline", "May")])
    await manager.save([Memory(MemoryType.PROJECT, "deadline", "June")])
    await manager.save([Memory(MemoryType.REFERENCE, "tracker", "JIRA-12")])
    await manager.save([Memory(MemoryType.FEEDBACK, "style", "short answers")])
    kept = {(m.type, m.key, m.content) for m in await manager.retrieve()}
    assert kept == {
        (MemoryType.REFERENCE, "tracker", "JIRA-12"),
        (MemoryType.FEEDBACK, "style", "short answers"),
    }


async def test_async_extract_fn_sees_existing_memories() -> None:
    seen: list[list[Memory]] = []

    async def extract(messages: Sequence[Message], existing: Sequence[Memory]) -> list[Memory]:
        seen.append(list(existing))
        return [Memory(MemoryType.USER, "name", "Ada", {"source": "chat"})]

    manager = LLMMemoryManager(StoreContext(InMemoryStore()).store, extract_fn=extract)
    await manager.on_session_end([Message.user("I am Ada")])
    await manager.on_session_end([Message.user("still Ada")])
    assert seen[0] == []
    assert seen[1] == [Memory(MemoryType.USER, "name", "Ada", {"source": "chat"})]


async def test_bad_extract_output_and_settings_are_validation_errors() -> None:
    manager = LLMMemoryManager(InMemoryStore(), extract_fn=lambda m, e: ["not a memory"])  # type: ignore[arg-type,return-value]
    with pytest.raises(ValidationError, match="Memory objects"):
        await manager.extract([Message.user("x")])
    with pytest.raises(ValidationError):
        LLMMemoryManager(InMemoryStore(), max_memories=0)
    with pytest.raises(ValidationError):
        Memory.from_store_value("k", {"content": "no type"})


async def test_without_extract_fn_nothing_is_extracted_and_noop_keeps_nothing() -> None:
    assert await LLMMemoryManager(InMemoryStore()).extract([Message.user("I prefer tea")]) == []
    noop = NoopMemoryManager()
    await noop.save([Memory(MemoryType.USER, "k", "v")])
    assert await noop.on_session_end([Message.user("I prefer tea")]) == []
    assert await noop.on_session_start("anything") == []
