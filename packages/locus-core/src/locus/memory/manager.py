"""The original locus's ``locus.memory.manager``: long-term memories kept in a store.

A memory manager turns conversations into durable :class:`Memory` records
(``extract``), keeps them (``save``) and finds them again (``retrieve``).
:class:`LLMMemoryManager` keeps them in any :class:`~locus.memory.store.BaseStore`
(one namespace per :class:`MemoryType` under ``namespace_prefix``), so the same
records are what tools see through ``ToolContext.store``.

The agent does not call a manager by itself here: call
:meth:`BaseMemoryManager.on_session_start` before a run (its memories go into
the prompt) and :meth:`BaseMemoryManager.on_session_end` after it; see
``docs/migrating.md`` (``locus.memory.manager``).
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from locus.core.errors import ValidationError
from locus.core.messages import Message
from locus.memory.store import BaseStore

__all__ = [
    "BaseMemoryManager",
    "ExtractFn",
    "LLMMemoryManager",
    "Memory",
    "MemoryType",
    "NoopMemoryManager",
]


class MemoryType(StrEnum):
    """What a memory is about."""

    USER = "user"
    """Who the user is: role, preferences, knowledge."""
    FEEDBACK = "feedback"
    """How the user wants the work done (corrections, confirmations)."""
    PROJECT = "project"
    """Facts about the ongoing work: goals, decisions, deadlines."""
    REFERENCE = "reference"
    """Where information lives outside the conversation."""


@dataclass
class Memory:
    """One long-term memory.

    Attributes:
        type: Its :class:`MemoryType`.
        key: Unique within its type (saving the same key replaces it).
        content: The memory as text.
        metadata: JSON-compatible annotations.
    """

    type: MemoryType
    key: str
    content: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def to_store_value(self) -> dict[str, Any]:
        """The JSON value stored for this memory."""
        return {"type": self.type.value, "content": self.content, "metadata": dict(self.metadata)}

    @classmethod
    def from_store_value(cls, key: str, value: Mapping[str, Any]) -> Memory:
        """The memory a stored value describes.

        Raises:
            ValidationError: ``value`` is not a stored memory.
        """
        try:
            return cls(
                type=MemoryType(value["type"]),
                key=key,
                content=str(value["content"]),
                metadata=dict(value.get("metadata") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                f"stored value of memory {key!r} is not a memory: {value!r}"
            ) from exc


ExtractFn = Callable[
    [Sequence[Message], Sequence[Memory]], Sequence[Memory] | Awaitable[Sequence[Memory]]
]
"""``extract_fn(messages, existing)`` → the memories worth keeping (sync or async),
typically a model call; ``existing`` lets it update instead of duplicating."""


class BaseMemoryManager(ABC):
    """Extracts, keeps and retrieves long-term memories."""

    @abstractmethod
    async def extract(self, messages: Sequence[Message]) -> list[Memory]:
        """The memories worth keeping from ``messages`` (not saved yet)."""

    @abstractmethod
    async def retrieve(self, query: str | None = None, *, limit: int | None = None) -> list[Memory]:
        """Kept memories matching ``query`` (all when ``None``), most recent first."""

    @abstractmethod
    async def save(self, memories: Sequence[Memory]) -> None:
        """Keep ``memories`` (a memory with a kept type and key replaces it)."""

    async def on_session_start(self, query: str | None = None) -> list[Memory]:
        """Memories to give the model at the start of a session (:meth:`retrieve`)."""
        return await self.retrieve(query)

    async def on_session_end(self, messages: Sequence[Message]) -> list[Memory]:
        """Extract memories from a finished session's ``messages`` and save them."""
        memories = await self.extract(messages)
        if memories:
            await self.save(memories)
        return memories


class NoopMemoryManager(BaseMemoryManager):
    """Keeps nothing: extracts no memory and retrieves none."""

    async def extract(self, messages: Sequence[Message]) -> list[Memory]:
        """No memories."""
        return []

    async def retrieve(self, query: str | None = None, *, limit: int | None = None) -> list[Memory]:
        """No memories."""
        return []

    async def save(self, memories: Sequence[Memory]) -> None:
        """Drops ``memories``."""


class LLMMemoryManager(BaseMemoryManager):
    """Memories kept in a store, extracted by a function (typically a model call).

    Args:
        store: Where memories live (``InMemoryStore()``, ``get_store("postgresql://...")``).
        extract_fn: ``extract_fn(messages, existing)`` → memories; without it
            :meth:`extract` finds none and only what :meth:`save` is given is kept.
        namespace_prefix: Memories of type ``t`` live in ``(*namespace_prefix, t.value)``.
        max_memories: Most memories kept; saving more drops the least recently saved.
        retrieve_limit: Default number of memories :meth:`retrieve` returns.

    Raises:
        ValidationError: ``max_memories`` or ``retrieve_limit`` below 1, or an
            empty ``namespace_prefix``.
    """

    def __init__(
        self,
        store: BaseStore,
        *,
        extract_fn: ExtractFn | None = None,
        namespace_prefix: tuple[str, ...] = ("locus_memory",),
        max_memories: int = 50,
        retrieve_limit: int = 20,
    ) -> None:
        if max_memories < 1 or retrieve_limit < 1:
            raise ValidationError("max_memories and retrieve_limit must be at least 1")
        if not namespace_prefix:
            raise ValidationError("namespace_prefix must hold at least one label")
        self.store = store
        self.extract_fn = extract_fn
        self.namespace_prefix = tuple(namespace_prefix)
        self.max_memories = max_memories
        self.retrieve_limit = retrieve_limit

    def namespace(self, memory_type: MemoryType) -> tuple[str, ...]:
        """The store namespace of ``memory_type``'s memories."""
        return (*self.namespace_prefix, MemoryType(memory_type).value)

    async def extract(self, messages: Sequence[Message]) -> list[Memory]:
        """``extract_fn(messages, existing)``; ``[]`` without an ``extract_fn``.

        Raises:
            ValidationError: ``extract_fn`` returned something other than memories.
        """
        if self.extract_fn is None:
            return []
        existing = await self.retrieve(limit=self.max_memories)
        result = self.extract_fn(list(messages), existing)
        if inspect.isawaitable(result):
            result = await result
        memories = list(result)
        bad = [m for m in memories if not isinstance(m, Memory)]
        if bad:
            raise ValidationError(f"extract_fn must return Memory objects, got {bad[0]!r}")
        return memories

    async def retrieve(self, query: str | None = None, *, limit: int | None = None) -> list[Memory]:
        """Kept memories whose text contains ``query`` (case-insensitive), newest first."""
        items = await self.store.search(
            self.namespace_prefix, query=query, limit=limit or self.retrieve_limit
        )
        return [Memory.from_store_value(i.key, i.value) for i in items]

    async def save(self, memories: Sequence[Memory]) -> None:
        """Put each memory in its type's namespace, then drop the oldest past ``max_memories``."""
        for memory in memories:
            await self.store.put(self.namespace(memory.type), memory.key, memory.to_store_value())
        kept = await self.store.search(self.namespace_prefix, limit=None)
        for item in kept[self.max_memories :]:
            await self.store.delete(item.namespace, item.key)
