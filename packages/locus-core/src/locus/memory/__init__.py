"""Long-horizon memory.

- Conversation managers (``Agent(conversation_manager=...)``): what part of a
  long thread the model sees each turn: :class:`SlidingWindowManager`,
  :class:`SummarizingManager`, :class:`LLMCompactor` (token budget),
  :class:`NullManager`.
- A cross-thread store for long-term facts (``Agent(store=...)``, reached by
  tools as ``ToolContext.store``): :class:`BaseStore`, :class:`InMemoryStore`,
  :class:`NamespacedStore`, :class:`StoreContext`; PostgreSQL / Redis stores
  by URL with :func:`get_store`.
- Long-term memories (the original's memory managers): :class:`LLMMemoryManager`
  keeps :class:`Memory` records in a store (:mod:`locus.memory.manager`).
- Checkpointers: :func:`get_checkpointer`, :func:`list_checkpointers`,
  :func:`register_checkpointer`; backend classes by name in :mod:`locus.memory.backends`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from locus.checkpoint import BaseCheckpointer
    from locus.memory.compactor import LLMCompactor, estimate_tokens
    from locus.memory.conversation import (
        ConversationManager,
        NullManager,
        SlidingWindowManager,
        SummarizingManager,
    )
    from locus.memory.delta import DeltaCheckpointer
    from locus.memory.manager import (
        BaseMemoryManager,
        LLMMemoryManager,
        Memory,
        MemoryType,
        NoopMemoryManager,
    )
    from locus.memory.registry import (
        get_checkpointer,
        get_store,
        list_checkpointers,
        list_stores,
        register_checkpointer,
    )
    from locus.memory.store import (
        BaseStore,
        InMemoryStore,
        NamespacedStore,
        StoreCapabilities,
        StoreCapabilityError,
        StoreContext,
        StoreError,
        StoreItem,
    )

_EXPORTS = {
    "ConversationManager": "locus.memory.conversation",
    "NullManager": "locus.memory.conversation",
    "SlidingWindowManager": "locus.memory.conversation",
    "SummarizingManager": "locus.memory.conversation",
    "LLMCompactor": "locus.memory.compactor",
    "estimate_tokens": "locus.memory.compactor",
    "BaseStore": "locus.memory.store",
    "InMemoryStore": "locus.memory.store",
    "NamespacedStore": "locus.memory.store",
    "StoreCapabilities": "locus.memory.store",
    "StoreCapabilityError": "locus.memory.store",
    "StoreContext": "locus.memory.store",
    "StoreError": "locus.memory.store",
    "StoreItem": "locus.memory.store",
    "get_store": "locus.memory.registry",
    "get_checkpointer": "locus.memory.registry",
    "list_checkpointers": "locus.memory.registry",
    "register_checkpointer": "locus.memory.registry",
    "BaseCheckpointer": "locus.checkpoint",
    "CheckpointerCapabilities": "locus.core.protocols",
    "list_stores": "locus.memory.registry",
    "BaseMemoryManager": "locus.memory.manager",
    "LLMMemoryManager": "locus.memory.manager",
    "Memory": "locus.memory.manager",
    "MemoryType": "locus.memory.manager",
    "NoopMemoryManager": "locus.memory.manager",
    "DeltaCheckpointer": "locus.memory.delta",
}

__all__ = [
    "BaseCheckpointer",
    "BaseMemoryManager",
    "BaseStore",
    "CheckpointerCapabilities",
    "ConversationManager",
    "DeltaCheckpointer",
    "InMemoryStore",
    "LLMCompactor",
    "LLMMemoryManager",
    "Memory",
    "MemoryType",
    "NamespacedStore",
    "NoopMemoryManager",
    "NullManager",
    "SlidingWindowManager",
    "StoreCapabilities",
    "StoreCapabilityError",
    "StoreContext",
    "StoreError",
    "StoreItem",
    "SummarizingManager",
    "estimate_tokens",
    "get_checkpointer",
    "get_store",
    "list_checkpointers",
    "list_stores",
    "register_checkpointer",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.memory' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
