"""Cross-thread long-term memory: :class:`BaseStore` and its views.

- :class:`BaseStore`: the contract (namespace tuple + key → JSON value, TTL,
  text search), :class:`InMemoryStore` in core; PostgreSQL and Redis stores
  ship with ``locus-checkpoint-postgres`` / ``locus-checkpoint-redis`` and
  resolve by URL through :func:`locus.memory.get_store`.
- :class:`NamespacedStore`: one namespace, keys only.
- :class:`StoreContext`: user / session / global memory, what tools get as
  ``ToolContext.store`` when the agent has ``store=``.
"""

from __future__ import annotations

from locus.memory.store._base import (
    BaseStore,
    Namespace,
    StoreCapabilities,
    StoreCapabilityError,
    StoreError,
    StoreItem,
    check_namespace,
    matches,
)
from locus.memory.store._context import NamespacedStore, StoreContext
from locus.memory.store._memory import InMemoryStore

__all__ = [
    "BaseStore",
    "InMemoryStore",
    "Namespace",
    "NamespacedStore",
    "StoreCapabilities",
    "StoreCapabilityError",
    "StoreContext",
    "StoreError",
    "StoreItem",
    "check_namespace",
    "matches",
]
