"""``InMemoryStore``: a process-local :class:`~locus.memory.store.BaseStore`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, ClassVar

from locus.memory.store._base import BaseStore, Namespace, StoreCapabilities, StoreItem, matches

__all__ = ["InMemoryStore"]


class InMemoryStore(BaseStore):
    """Items in a dict: for tests, notebooks and single-process agents.

    Data is lost when the process exits; use the PostgreSQL or Redis store
    (``locus.memory.get_store("postgresql://...")``) to keep it.
    """

    backend_name: ClassVar[str] = "memory"

    def __init__(self) -> None:
        self._items: dict[tuple[Namespace, str], StoreItem] = {}
        self._lock = asyncio.Lock()

    @property
    def capabilities(self) -> StoreCapabilities:
        """Search, TTL and namespace listing."""
        return StoreCapabilities(search=True, ttl=True, list_namespaces=True)

    def _live(self, item: StoreItem | None, now: datetime) -> StoreItem | None:
        if item is None or (item.expires_at is not None and item.expires_at <= now):
            return None
        return item

    async def _put(
        self,
        namespace: Namespace,
        key: str,
        value: Any,
        metadata: dict[str, Any],
        expires_at: datetime | None,
    ) -> StoreItem:
        now = datetime.now(UTC)
        async with self._lock:
            old = self._live(self._items.get((namespace, key)), now)
            item = StoreItem(
                namespace=namespace,
                key=key,
                value=value,
                metadata=metadata,
                created_at=old.created_at if old else now,
                updated_at=now,
                version=old.version + 1 if old else 1,
                expires_at=expires_at,
            )
            self._items[(namespace, key)] = item
        return replace(item)

    async def _get(self, namespace: Namespace, key: str) -> StoreItem | None:
        return self._live(self._items.get((namespace, key)), datetime.now(UTC))

    async def _delete(self, namespace: Namespace, key: str) -> bool:
        async with self._lock:
            item = self._items.pop((namespace, key), None)
        return self._live(item, datetime.now(UTC)) is not None

    def _under(self, prefix: Namespace) -> list[StoreItem]:
        now = datetime.now(UTC)
        n = len(prefix)
        return [
            item
            for (ns, _), item in list(self._items.items())
            if ns[:n] == prefix and self._live(item, now) is not None
        ]

    async def _search(
        self,
        prefix: Namespace,
        query: str | None,
        filter: Mapping[str, Any] | None,
        limit: int | None,
        offset: int,
    ) -> list[StoreItem]:
        found = [i for i in self._under(prefix) if matches(i, query, filter)]
        found.sort(key=lambda i: (i.updated_at, i.namespace, i.key), reverse=True)
        end = None if limit is None else offset + limit
        return found[offset:end]

    async def _list_namespaces(self, prefix: Namespace) -> list[Namespace]:
        return sorted({item.namespace for item in self._under(prefix)})
