"""Duck-typed contracts for models, tools and checkpointers.

Use these in type hints when accepting "any model" / "any tool" / "any
checkpointer". They are ``runtime_checkable`` Protocols: no inheritance needed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from locus.core.events import ModelChunkEvent
    from locus.core.messages import Message
    from locus.core.state import AgentState
    from locus.models.response import ModelResponse

__all__ = [
    "CheckpointerCapabilities",
    "CheckpointerProtocol",
    "ConversationManagerProtocol",
    "ModelProtocol",
    "ToolProtocol",
]


@runtime_checkable
class ModelProtocol(Protocol):
    """Protocol for LLM providers: completion and streaming."""

    async def complete(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ModelResponse:
        """Complete a chat request.

        Args:
            messages: Conversation history.
            tools: Tool schemas in OpenAI format.
            **kwargs: Provider-specific options (``response_format`` for
                structured output, ``temperature``...).

        Returns:
            Model response with message and metadata.
        """
        ...

    def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ModelChunkEvent]:
        """Stream a chat response.

        Yields:
            Chunks with content and/or tool-call deltas; the last has ``done=True``.
        """
        ...


@runtime_checkable
class ToolProtocol(Protocol):
    """Protocol for tools that can be called by agents."""

    @property
    def name(self) -> str:
        """Unique name of the tool."""
        ...

    @property
    def description(self) -> str:
        """Description of what the tool does."""
        ...

    @property
    def parameters(self) -> dict[str, Any]:
        """JSON Schema for tool parameters."""
        ...

    async def execute(self, **kwargs: Any) -> Any:
        """Execute the tool with given arguments; the result is rendered to text for the model."""
        ...


class CheckpointerCapabilities(BaseModel):
    """What a checkpointer supports beyond save / load / list.

    Attributes:
        list_threads: Can enumerate thread ids.
        delete_thread: Can delete a thread and its history.
        history: Keeps every checkpoint with metadata and parent links.
        time_travel: Can load a past checkpoint by id.
        fork: Can fork a thread from a past checkpoint.
        ttl: Supports expiry of records.
        concurrent_writers: Safe with several processes writing one store.
    """

    model_config = ConfigDict(defer_build=True, frozen=True)

    list_threads: bool = False
    delete_thread: bool = False
    history: bool = False
    time_travel: bool = False
    fork: bool = False
    ttl: bool = False
    concurrent_writers: bool = False


@runtime_checkable
class ConversationManagerProtocol(Protocol):
    """What the agent needs of a conversation manager (``Agent(conversation_manager=...)``).

    Every :class:`locus.memory.conversation.ConversationManager` satisfies it;
    managers that summarise also implement ``async_apply``.
    """

    def apply(self, messages: Sequence[Message]) -> list[Message]:
        """The view of ``messages`` to send to the model (pure; no model calls)."""
        ...


@runtime_checkable
class CheckpointerProtocol(Protocol):
    """Protocol for state persistence; extended methods depend on ``capabilities``."""

    @property
    def capabilities(self) -> CheckpointerCapabilities:
        """Return the capabilities of this checkpointer."""
        ...

    async def save(
        self,
        state: AgentState,
        thread_id: str,
        checkpoint_id: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> str:
        """Save agent state; returns the checkpoint id."""
        ...

    async def load(self, thread_id: str, checkpoint_id: str | None = None) -> AgentState | None:
        """Load the latest (or a given) checkpoint of a thread; ``None`` if the thread has none."""
        ...

    async def list_checkpoints(self, thread_id: str, limit: int = 10) -> list[str]:
        """List checkpoint ids of a thread, newest first."""
        ...
