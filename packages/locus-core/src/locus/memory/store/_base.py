"""The cross-thread store contract: :class:`BaseStore` and its records.

A store keeps long-term facts (user preferences, learned rules, research
notes) that outlive one conversation thread. Items live under a namespace
(a tuple of strings, e.g. ``("users", "u1", "memories")``) and a key.

Backends implement five small primitives (``_put``, ``_get``, ``_delete``,
``_search``, ``_list_namespaces``); the public methods validate input once,
for every backend, and publish ``memory.store.*`` events.
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from locus.core.errors import LocusError, ValidationError

__all__ = [
    "BaseStore",
    "Namespace",
    "StoreCapabilities",
    "StoreCapabilityError",
    "StoreError",
    "StoreItem",
    "check_namespace",
    "matches",
]

Namespace = tuple[str, ...]


class StoreError(LocusError):
    """A store backend failed (connection, query). The stored data is unchanged."""

    kind = "store"


class StoreCapabilityError(StoreError, NotImplementedError):
    """The store does not support an optional capability.

    Args:
        capability: The capability asked for (``"ttl"``, ``"search"``...).
        store_class: The store's class name.
        hint: What to use instead.
    """

    kind = "store_capability"

    def __init__(self, capability: str, store_class: str, hint: str | None = None) -> None:
        text = f"{store_class} does not support {capability!r}."
        if hint:
            text += f" {hint}"
        super().__init__(text)
        self.capability = capability
        self.store_class = store_class
        self.hint = hint


@dataclass(frozen=True)
class StoreCapabilities:
    """Optional features a store offers (check before relying on one)."""

    search: bool = True
    semantic_search: bool = False
    embedding_dimension: int | None = None
    ttl: bool = True
    list_namespaces: bool = True
    batch_operations: bool = False
    transactions: bool = False


@dataclass(frozen=True)
class StoreItem:
    """One stored value with its bookkeeping.

    Attributes:
        namespace: Where the item lives.
        key: Its key inside the namespace.
        value: The JSON-compatible value.
        metadata: Free-form JSON-compatible annotations.
        created_at: First write (UTC).
        updated_at: Latest write (UTC).
        version: 1 on the first write, +1 on each overwrite.
        expires_at: When the item stops being readable (UTC), or ``None``.
    """

    namespace: Namespace
    key: str
    value: Any
    metadata: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    version: int = 1
    expires_at: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form (datetimes as ISO strings)."""
        return {
            "namespace": list(self.namespace),
            "key": self.key,
            "value": self.value,
            "metadata": self.metadata,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "version": self.version,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> StoreItem:
        """Inverse of :meth:`to_dict`."""
        expires = data.get("expires_at")
        return cls(
            namespace=tuple(data["namespace"]),
            key=str(data["key"]),
            value=data.get("value"),
            metadata=dict(data.get("metadata") or {}),
            created_at=datetime.fromisoformat(data["created_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            version=int(data.get("version", 1)),
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


def check_namespace(namespace: Any, *, allow_empty: bool = False) -> Namespace:
    """``namespace`` as a tuple of non-empty strings, or :class:`ValidationError`."""
    if isinstance(namespace, str) or not isinstance(namespace, Sequence):
        raise ValidationError(
            f"namespace must be a tuple of strings such as ('users', 'u1'), got {namespace!r}"
        )
    parts = tuple(namespace)
    if not parts and not allow_empty:
        raise ValidationError("namespace must have at least one label, e.g. ('users', 'u1')")
    for part in parts:
        if not isinstance(part, str) or not part:
            raise ValidationError(
                f"namespace labels must be non-empty strings, got {part!r} in {namespace!r}"
            )
    return parts


def _check_key(key: Any) -> str:
    if not isinstance(key, str) or not key:
        raise ValidationError(f"store key must be a non-empty string, got {key!r}")
    return key


def _check_json(value: Any, what: str) -> None:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"store {what} must be JSON-compatible (dict, list, str, number, bool, None): {exc}"
        ) from exc


def matches(item: StoreItem, query: str | None, filter: Mapping[str, Any] | None) -> bool:
    """The default search predicate: every ``filter`` pair equals a top-level value
    field, and ``query`` (case-insensitive) occurs in the value's JSON text."""
    if filter:
        if not isinstance(item.value, Mapping):
            return False
        for name, wanted in filter.items():
            if item.value.get(name) != wanted:
                return False
    if query:
        text = json.dumps(item.value, ensure_ascii=False).lower()
        return query.lower() in text
    return True


class BaseStore(ABC):
    """A key-value store of JSON values organised by namespace, shared across threads.

    Subclasses implement the ``_put``, ``_get``, ``_delete``, ``_search`` and
    ``_list_namespaces`` primitives; everything public is built on them and
    behaves the same on every backend (checked by
    :class:`locus.testing.StoreConformance`).

    Example:
        ```python
        import asyncio

        from locus.memory import InMemoryStore


        async def main() -> None:
            store = InMemoryStore()
            await store.put(("users", "u1"), "tone", {"likes": "short answers"})
            item = await store.get_item(("users", "u1"), "tone")
            assert item is not None and item.value == {"likes": "short answers"}
            found = await store.search(("users",), query="short")
            assert [i.key for i in found] == ["tone"]


        asyncio.run(main())
        ```
    """

    backend_name: ClassVar[str] = "store"

    @property
    def capabilities(self) -> StoreCapabilities:
        """What this store supports."""
        return StoreCapabilities()

    # -- primitives --------------------------------------------------------

    @abstractmethod
    async def _put(
        self,
        namespace: Namespace,
        key: str,
        value: Any,
        metadata: dict[str, Any],
        expires_at: datetime | None,
    ) -> StoreItem:
        """Insert or overwrite; keep ``created_at``, bump ``version`` on overwrite."""

    @abstractmethod
    async def _get(self, namespace: Namespace, key: str) -> StoreItem | None:
        """The live (not expired) item, or ``None``."""

    @abstractmethod
    async def _delete(self, namespace: Namespace, key: str) -> bool:
        """Remove the item; whether it existed."""

    @abstractmethod
    async def _search(
        self,
        prefix: Namespace,
        query: str | None,
        filter: Mapping[str, Any] | None,
        limit: int | None,
        offset: int,
    ) -> list[StoreItem]:
        """Live items under ``prefix`` matching :func:`matches`, newest update first."""

    @abstractmethod
    async def _list_namespaces(self, prefix: Namespace) -> list[Namespace]:
        """Sorted distinct namespaces of live items under ``prefix``."""

    # -- public API --------------------------------------------------------

    async def put(
        self,
        namespace: Sequence[str],
        key: str,
        value: Any,
        *,
        metadata: Mapping[str, Any] | None = None,
        ttl: float | None = None,
    ) -> StoreItem:
        """Store ``value`` under ``(namespace, key)``, replacing any previous value.

        Args:
            namespace: Tuple of labels, e.g. ``("users", "u1")``.
            key: Key inside the namespace.
            value: JSON-compatible value.
            metadata: JSON-compatible annotations kept with the item.
            ttl: Seconds until the item expires (``None``: never).

        Raises:
            locus.core.errors.ValidationError: bad namespace, key, value or ttl.
            StoreCapabilityError: ``ttl`` on a store without TTL support.
        """
        ns = check_namespace(namespace)
        _check_key(key)
        _check_json(value, "value")
        meta = dict(metadata or {})
        _check_json(meta, "metadata")
        expires_at = None
        if ttl is not None:
            if isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl <= 0:
                raise ValidationError(f"ttl must be a positive number of seconds, got {ttl!r}")
            if not self.capabilities.ttl:
                raise StoreCapabilityError("ttl", type(self).__name__, "Store without ttl.")
            expires_at = datetime.fromtimestamp(time.time() + float(ttl), UTC)
        item = await self._put(ns, key, value, meta, expires_at)
        _publish("memory.store.put", ns, key, self.backend_name, version=item.version)
        return item

    async def get_item(self, namespace: Sequence[str], key: str) -> StoreItem | None:
        """The item under ``(namespace, key)``, or ``None`` (missing or expired)."""
        return await self._get(check_namespace(namespace), _check_key(key))

    async def get(self, namespace: Sequence[str], key: str, default: Any = None) -> Any:
        """The value under ``(namespace, key)``, or ``default``."""
        item = await self.get_item(namespace, key)
        return default if item is None else item.value

    async def exists(self, namespace: Sequence[str], key: str) -> bool:
        """Whether a live item exists under ``(namespace, key)``."""
        return await self.get_item(namespace, key) is not None

    async def delete(self, namespace: Sequence[str], key: str) -> bool:
        """Remove the item; ``True`` when it existed."""
        ns = check_namespace(namespace)
        removed = await self._delete(ns, _check_key(key))
        if removed:
            _publish("memory.store.deleted", ns, key, self.backend_name)
        return removed

    async def search(
        self,
        namespace_prefix: Sequence[str] = (),
        *,
        query: str | None = None,
        filter: Mapping[str, Any] | None = None,
        limit: int | None = 10,
        offset: int = 0,
    ) -> list[StoreItem]:
        """Items under ``namespace_prefix`` (any depth), newest update first.

        Args:
            namespace_prefix: Leading labels; ``()`` searches everything.
            query: Case-insensitive text that must occur in the value's JSON.
            filter: Top-level value fields that must be equal.
            limit: Maximum items (``None``: all).
            offset: Items to skip (pagination).
        """
        prefix = check_namespace(namespace_prefix, allow_empty=True)
        if limit is not None and (isinstance(limit, bool) or limit < 0):
            raise ValidationError(f"limit must be >= 0 or None, got {limit!r}")
        if offset < 0:
            raise ValidationError(f"offset must be >= 0, got {offset!r}")
        if filter is not None:
            _check_json(dict(filter), "filter")
        return await self._search(prefix, query or None, filter, limit, offset)

    async def list_keys(self, namespace: Sequence[str]) -> list[str]:
        """Sorted keys stored directly in ``namespace`` (not in sub-namespaces)."""
        ns = check_namespace(namespace)
        items = await self._search(ns, None, None, None, 0)
        return sorted(i.key for i in items if i.namespace == ns)

    async def list_namespaces(self, prefix: Sequence[str] = ()) -> list[Namespace]:
        """Sorted namespaces holding at least one live item under ``prefix``."""
        return await self._list_namespaces(check_namespace(prefix, allow_empty=True))

    async def put_batch(self, items: Iterable[tuple[Sequence[str], str, Any]]) -> list[StoreItem]:
        """:meth:`put` each ``(namespace, key, value)``."""
        return [await self.put(ns, key, value) for ns, key, value in items]

    async def get_batch(self, keys: Iterable[tuple[Sequence[str], str]]) -> list[StoreItem | None]:
        """:meth:`get_item` each ``(namespace, key)``."""
        return [await self.get_item(ns, key) for ns, key in keys]

    async def clear_namespace(self, namespace: Sequence[str]) -> int:
        """Delete every item under ``namespace`` (and its sub-namespaces); how many."""
        ns = check_namespace(namespace)
        items = await self._search(ns, None, None, None, 0)
        removed = 0
        for item in items:
            removed += await self._delete(item.namespace, item.key)
        return removed

    async def close(self) -> None:  # noqa: B027 (optional: stores without connections)
        """Release connections (a no-op for in-process stores)."""


def _publish(event_type: str, namespace: Namespace, key: str, backend: str, **extra: Any) -> None:
    from locus.observability import current_run_id, emit

    if current_run_id() is None:
        return
    emit(event_type, namespace=list(namespace), key=key, backend=backend, **extra)
