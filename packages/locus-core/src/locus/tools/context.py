"""What a running tool may know about its call: :class:`ToolContext`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from locus.memory.store import StoreContext

__all__ = ["ToolContext"]


@dataclass(frozen=True)
class ToolContext:
    """Injected into a tool that declares a parameter annotated ``ToolContext``.

    The parameter is not part of the tool's JSON schema; the model never sees it.

    Example:
        ```python no-run
        @tool(idempotent=True)
        def charge(amount: int, ctx: ToolContext) -> str:
            return payments.charge(amount, idempotency_key=ctx.idempotency_key)
        ```

    Attributes:
        run_id: Id of the agent run.
        thread_id: Conversation thread, when the run has one.
        tool_call_id: The model's id for this call.
        tool_name: The tool's name.
        idempotency_key: The ledger key of an idempotent call
            (``name:sha256(canonical JSON of the validated arguments)``). It
            depends only on the tool and its arguments, so it is the same in
            every attempt of a call: after a crash and resume, and when the
            ``in_doubt="retry"`` policy runs the body again. Forward it to the
            downstream API (an ``Idempotency-Key`` header...) so it dedupes
            too. ``None`` for non-idempotent tools.
        iteration: Loop iteration of the call.
        agent_name: Name of the calling agent, if it has one.
        metadata: Free-form values the caller attached.
        store: The agent's long-term memory (``Agent(store=...)``) as a
            :class:`~locus.memory.StoreContext` bound to this thread as its
            session; ``None`` when the agent has no store.
    """

    run_id: str = ""
    thread_id: str | None = None
    tool_call_id: str = ""
    tool_name: str = ""
    idempotency_key: str | None = None
    iteration: int = 0
    agent_name: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    store: StoreContext | None = None

    @property
    def agent_id(self) -> str | None:
        """Alias of :attr:`agent_name` (the original locus's name)."""
        return self.agent_name

    @property
    def invocation_metadata(self) -> dict[str, Any]:
        """Alias of :attr:`metadata` (the original locus's name)."""
        return self.metadata

    def emit(self, event_type: str, **data: Any) -> None:
        """Publish a custom event on the EventBus under the current run.

        A no-op outside ``run_context()``. The tool's name and call id are
        added to ``data``.

        Args:
            event_type: Dotted event type (e.g. ``"tool.progress"``).
            **data: JSON-compatible payload.
        """
        from locus.observability import emit

        emit(event_type, data, tool_name=self.tool_name, tool_call_id=self.tool_call_id)

    def progress(self, message: str, fraction: float | None = None) -> None:
        """Report progress of a long call as ``agent.tool.progress`` (``fraction`` in 0..1).

        A no-op outside ``run_context()``; console handlers show it live.
        """
        self.emit("agent.tool.progress", message=message, fraction=fraction)
