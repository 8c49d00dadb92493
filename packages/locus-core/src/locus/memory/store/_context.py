"""Views on a store: :class:`NamespacedStore` (one namespace) and
:class:`StoreContext` (user / session / global memory, as tools see it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from locus.memory.store._base import BaseStore, Namespace, StoreItem, check_namespace

__all__ = ["NamespacedStore", "StoreContext"]


class NamespacedStore:
    """A :class:`BaseStore` bound to one namespace: keys only, no tuples to repeat.

    Args:
        store: The underlying store.
        namespace: The namespace every call uses.
    """

    def __init__(self, store: BaseStore, namespace: Sequence[str]) -> None:
        self._store = store
        self._namespace = check_namespace(namespace)

    def __repr__(self) -> str:
        return f"NamespacedStore({type(self._store).__name__}, {self._namespace!r})"

    @property
    def namespace(self) -> Namespace:
        """The bound namespace."""
        return self._namespace

    @property
    def store(self) -> BaseStore:
        """The underlying store."""
        return self._store

    def scoped(self, *labels: str) -> NamespacedStore:
        """A view on a sub-namespace (``("users", "u1")`` → ``("users", "u1", *labels)``)."""
        return NamespacedStore(self._store, (*self._namespace, *labels))

    async def put(
        self,
        key: str,
        value: Any,
        *,
        metadata: Mapping[str, Any] | None = None,
        ttl: float | None = None,
    ) -> StoreItem:
        """:meth:`BaseStore.put` in the bound namespace."""
        return await self._store.put(self._namespace, key, value, metadata=metadata, ttl=ttl)

    async def get(self, key: str, default: Any = None) -> Any:
        """The value under ``key``, or ``default``."""
        return await self._store.get(self._namespace, key, default)

    async def get_item(self, key: str) -> StoreItem | None:
        """The item under ``key``, or ``None``."""
        return await self._store.get_item(self._namespace, key)

    async def delete(self, key: str) -> bool:
        """Remove ``key``; whether it existed."""
        return await self._store.delete(self._namespace, key)

    async def exists(self, key: str) -> bool:
        """Whether ``key`` holds a live item."""
        return await self._store.exists(self._namespace, key)

    async def list_keys(self) -> list[str]:
        """Sorted keys directly in the namespace."""
        return await self._store.list_keys(self._namespace)

    async def search(
        self,
        query: str | None = None,
        *,
        filter: Mapping[str, Any] | None = None,
        limit: int | None = 10,
    ) -> list[StoreItem]:
        """:meth:`BaseStore.search` under the bound namespace."""
        return await self._store.search(self._namespace, query=query, filter=filter, limit=limit)

    async def clear(self) -> int:
        """Delete everything under the namespace; how many items."""
        return await self._store.clear_namespace(self._namespace)


class StoreContext:
    """Long-term memory as an agent's tools see it (``ToolContext.store``).

    Three scopes over one :class:`BaseStore`: the user's memories
    (``("users", user_id, "memories")``), the session's scratch space
    (``("sessions", session_id)``; the agent binds the thread id) and values
    shared by everyone (``("global",)``).

    Example:
        ```python
        import asyncio

        from locus import Agent, ToolContext, tool
        from locus.memory import InMemoryStore, StoreContext
        from locus.models import ScriptedModel
        from locus.core.messages import ToolCall


        @tool
        async def remember(fact: str, ctx: ToolContext) -> str:
            \"\"\"Remember a fact about the user.

            Args:
                fact: The fact.
            \"\"\"
            assert ctx.store is not None
            await ctx.store.remember("fact", {"text": fact})
            return "noted"


        async def main() -> None:
            store = InMemoryStore()
            call = ToolCall(name="remember", arguments={"fact": "likes tea"})
            model = ScriptedModel([call, "ok"])
            agent = Agent(model=model, tools=[remember], store=StoreContext(store, user_id="u1"))
            await agent.invoke("I like tea")
            assert await store.get(("users", "u1", "memories"), "fact") == {"text": "likes tea"}


        asyncio.run(main())
        ```

    Args:
        store: The underlying store.
        user_id: Whose memories :meth:`remember` and friends use.
        session_id: The session (thread) of :meth:`for_session` scratch space.
    """

    def __init__(
        self, store: BaseStore, user_id: str | None = None, session_id: str | None = None
    ) -> None:
        if not isinstance(store, BaseStore):
            from locus.core.errors import ValidationError

            raise ValidationError(
                f"StoreContext needs a BaseStore (e.g. InMemoryStore()), got {store!r}"
            )
        self._store = store
        self.user_id = user_id
        self.session_id = session_id

    def __repr__(self) -> str:
        return (
            f"StoreContext({type(self._store).__name__}, user_id={self.user_id!r}, "
            f"session_id={self.session_id!r})"
        )

    @property
    def store(self) -> BaseStore:
        """The underlying store."""
        return self._store

    def for_user(self, user_id: str) -> StoreContext:
        """The same store, scoped to another user."""
        return StoreContext(self._store, user_id, self.session_id)

    def for_session(self, session_id: str) -> StoreContext:
        """The same store, scoped to another session."""
        return StoreContext(self._store, self.user_id, session_id)

    def get_user_memory(self) -> NamespacedStore:
        """The user's memories (``("users", user_id, "memories")``)."""
        return NamespacedStore(self._store, ("users", self._need("user_id"), "memories"))

    def get_session_memory(self) -> NamespacedStore:
        """The session's scratch space (``("sessions", session_id)``)."""
        return NamespacedStore(self._store, ("sessions", self._need("session_id")))

    async def remember(
        self, key: str, value: Any, *, metadata: Mapping[str, Any] | None = None
    ) -> StoreItem:
        """Store a memory for the user."""
        return await self.get_user_memory().put(key, value, metadata=metadata)

    async def recall(self, key: str, default: Any = None) -> Any:
        """A memory of the user by key, or ``default``."""
        return await self.get_user_memory().get(key, default)

    async def forget(self, key: str) -> bool:
        """Delete a memory of the user; whether it existed."""
        return await self.get_user_memory().delete(key)

    async def search_memories(
        self, query: str | None = None, *, limit: int = 10
    ) -> list[StoreItem]:
        """The user's memories whose value contains ``query``, newest first."""
        return await self.get_user_memory().search(query, limit=limit)

    async def get_global(self, key: str, default: Any = None) -> Any:
        """A value shared by every user (``("global",)``)."""
        return await self._store.get(("global",), key, default)

    async def set_global(self, key: str, value: Any) -> StoreItem:
        """Set a value shared by every user."""
        return await self._store.put(("global",), key, value)

    def _need(self, attr: str) -> str:
        value = getattr(self, attr)
        if not value:
            from locus.core.errors import ConfigError

            raise ConfigError(
                f"This StoreContext has no {attr}: build it with "
                f"StoreContext(store, {attr}=...) or call .for_{attr.removesuffix('_id')}(...)."
            )
        return str(value)
