"""Human in the loop: :func:`interrupt` pauses a graph until a caller answers.

Inside a graph node (or a functional ``@entrypoint``), ``interrupt(payload)``
raises :class:`InterruptException`. The executor checkpoints the run and the
caller gets :class:`GraphInterrupted` (or a result with ``.interrupts`` when
``raise_on_interrupt=False``). Invoking again with
``Command(resume=value)`` on the same thread re-runs the paused node, and this
time ``interrupt()`` returns ``value``. A node calling ``interrupt()`` several
times is resumed once per call, in order.

The executor-side state lives in a ContextVar (:func:`interrupt_scope`), so
concurrent nodes and concurrent graphs never see each other's answers.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.errors import LocusError, ValidationError

__all__ = [
    "AutoApproveHandler",
    "CallbackInterruptHandler",
    "GraphInterrupted",
    "InterruptException",
    "InterruptHandler",
    "InterruptScope",
    "InterruptState",
    "InterruptValue",
    "current_interrupt_scope",
    "enter_interrupt_scope",
    "exit_interrupt_scope",
    "get_current_graph_id",
    "get_current_node_id",
    "interrupt",
    "interrupt_scope",
]


class InterruptValue(BaseModel):
    """What a paused node asked, with everything needed to show it and resume.

    Attributes:
        interrupt_id: Unique identifier for this interrupt.
        payload: Data to present to the human (question, context...).
        node_id: Node that raised the interrupt.
        graph_id: Graph being executed.
        created_at: When the interrupt occurred (UTC).
        metadata: Additional context (not displayed, for tracking).
        index: Position of this ``interrupt()`` call within its node (0-based).
        namespace: For an interrupt raised inside a subgraph, the names of the
            parent graphs' nodes that run it, outermost first (``[]`` otherwise).
    """

    model_config = ConfigDict(defer_build=True)

    interrupt_id: str = Field(default_factory=lambda: f"int-{uuid.uuid4().hex[:12]}")
    payload: Any = None
    node_id: str | None = None
    graph_id: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    metadata: dict[str, Any] = Field(default_factory=dict)
    index: int = 0
    namespace: list[str] = Field(default_factory=list)

    def to_display(self) -> dict[str, Any]:
        """A display-friendly dict (``created_at`` in ISO format)."""
        return {
            "interrupt_id": self.interrupt_id,
            "payload": self.payload,
            "node_id": self.node_id,
            "graph_id": self.graph_id,
            "created_at": self.created_at.isoformat(),
            "metadata": self.metadata,
        }


class InterruptException(Exception):
    """Raised by :func:`interrupt` to pause execution; the executor catches it.

    Do not catch it in node code (or re-raise it): it is how the node pauses.

    Attributes:
        value: The :class:`InterruptValue`.
    """

    def __init__(self, value: InterruptValue) -> None:
        self.value = value
        super().__init__(f"Interrupt requested: {value.interrupt_id}")


class InterruptState(BaseModel):
    """What a checkpoint holds about a paused run.

    Attributes:
        interrupt: The interrupt that paused execution.
        node_id: Node to resume from.
        pending_nodes: Nodes scheduled in the paused superstep but not finished.
        partial_results: Updates of the nodes that finished before the pause (by node).
    """

    model_config = ConfigDict(defer_build=True)

    interrupt: InterruptValue
    node_id: str
    pending_nodes: list[str] = Field(default_factory=list)
    partial_results: dict[str, Any] = Field(default_factory=dict)


class GraphInterrupted(LocusError):
    """A graph paused for human input; resume with ``Command(resume=...)`` on ``thread_id``.

    Attributes:
        interrupt_state: Where the run paused and what it asked.
        checkpoint_id: Id of the checkpoint holding the paused run.
        thread_id: Thread to resume (set by the graph executor).
        values: The graph state at the pause.
    """

    kind = "graph_interrupted"

    def __init__(
        self,
        interrupt_state: InterruptState,
        checkpoint_id: str | None = None,
        *,
        thread_id: str | None = None,
        values: dict[str, Any] | None = None,
        interrupts: Sequence[InterruptValue] | None = None,
    ) -> None:
        self.interrupt_state = interrupt_state
        self.checkpoint_id = checkpoint_id
        self.thread_id = thread_id
        self.values = values or {}
        self._interrupts = list(interrupts) if interrupts else [interrupt_state.interrupt]
        super().__init__(
            f"Graph interrupted at node '{interrupt_state.node_id}': "
            f"{interrupt_state.interrupt.interrupt_id}; resume with "
            f"invoke(Command(resume=...), thread_id={thread_id!r})"
        )

    @property
    def interrupt(self) -> InterruptValue:
        """The (first) interrupt that paused the run."""
        return self.interrupt_state.interrupt

    @property
    def interrupts(self) -> list[InterruptValue]:
        """Every pending interrupt (several when parallel nodes paused in one step)."""
        return list(self._interrupts)


class InterruptHandler:
    """Answers interrupts automatically; give one to ``compile()`` or ``invoke()``.

    Subclass and implement :meth:`handle` (a CLI prompt, a web callback, a queue...).

    Example:
        >>> class CLIInterruptHandler(InterruptHandler):
        ...     async def handle(self, interrupt: InterruptValue) -> Any:
        ...         return input(f"{interrupt.payload} ")
    """

    async def handle(self, interrupt: InterruptValue) -> Any:
        """Return the answer for ``interrupt`` (what ``interrupt()`` will return)."""
        raise NotImplementedError("Subclasses must implement handle()")

    async def can_handle(self, interrupt: InterruptValue) -> bool:
        """Whether this handler answers ``interrupt``; when ``False`` the graph pauses."""
        return True


class AutoApproveHandler(InterruptHandler):
    """Answers every interrupt with ``response`` (tests, automated pipelines).

    Args:
        response: The value every ``interrupt()`` returns.
    """

    def __init__(self, response: Any = "approved") -> None:
        self.response = response

    async def handle(self, interrupt: InterruptValue) -> Any:
        """Return the configured response."""
        return self.response

    async def can_handle(self, interrupt: InterruptValue) -> bool:
        """Always ``True``."""
        return True


class CallbackInterruptHandler(InterruptHandler):
    """Answers each interrupt with ``callback(interrupt)`` (a function or a coroutine function).

    Args:
        callback: Called with the :class:`InterruptValue`; its (awaited) return
            value is what ``interrupt()`` returns.
    """

    def __init__(self, callback: Any) -> None:
        if not callable(callback):
            raise ValidationError(f"CallbackInterruptHandler needs a callable, got {callback!r}")
        self.callback = callback

    async def handle(self, interrupt: InterruptValue) -> Any:
        """The callback's answer (awaited when it is a coroutine)."""
        import inspect

        answer = self.callback(interrupt)
        return await answer if inspect.isawaitable(answer) else answer

    async def can_handle(self, interrupt: InterruptValue) -> bool:
        """Always ``True``."""
        return True


# --- executor side ------------------------------------------------------------


@dataclass(slots=True)
class InterruptScope:
    """Per-node interrupt bookkeeping (one per node execution).

    Attributes:
        node_id: The running node.
        graph_id: The running graph.
        resumes: Answers to this node's ``interrupt()`` calls so far, in order.
        calls: ``interrupt()`` calls made in the current execution.
    """

    node_id: str | None = None
    graph_id: str | None = None
    resumes: list[Any] = field(default_factory=list)
    calls: int = 0


_SCOPE: ContextVar[InterruptScope | None] = ContextVar("locus_interrupt_scope", default=None)


def current_interrupt_scope() -> InterruptScope | None:
    """The scope of the running node, or ``None`` outside a graph."""
    return _SCOPE.get()


def get_current_node_id() -> str | None:
    """The node whose interrupt scope is open, or ``None``.

    A scope is open in every run of a graph node (first run and resume), in
    an ``@entrypoint`` run and in a tool call of an agent (the tool's name).
    Outside them it is ``None``.
    """
    scope = _SCOPE.get()
    return scope.node_id if scope is not None else None


def get_current_graph_id() -> str | None:
    """The graph (or entrypoint) whose interrupt scope is open, or ``None``.

    Same scope rules as :func:`get_current_node_id`.
    """
    scope = _SCOPE.get()
    return scope.graph_id if scope is not None else None


@contextlib.contextmanager
def interrupt_scope(
    node_id: str | None, graph_id: str | None = None, resumes: Sequence[Any] = ()
) -> Iterator[InterruptScope]:
    """Run a node under an interrupt scope holding its previous answers."""
    scope = InterruptScope(node_id, graph_id, list(resumes))
    token = _SCOPE.set(scope)
    try:
        yield scope
    finally:
        _SCOPE.reset(token)


enter_interrupt_scope: Callable[[InterruptScope | None], Token[InterruptScope | None]] = _SCOPE.set
"""Low-level :func:`interrupt_scope` for executors: set ``scope``; returns the reset token.

The ContextVar's own method (no wrapper call: graph nodes open a scope on every run).
"""


exit_interrupt_scope: Callable[[Token[InterruptScope | None]], None] = _SCOPE.reset
"""Undo :func:`enter_interrupt_scope`."""


def interrupt(payload: Any, **metadata: Any) -> Any:
    """Pause graph execution and wait for human input.

    When the run is resumed with ``Command(resume=value)``, the node runs again
    and this call returns ``value``. Calls are matched to answers by their order
    within the node, so one node may ask several questions.

    Args:
        payload: Data to present to the human: a question, a dict of options,
            any JSON-serialisable value.
        **metadata: Additional context (not displayed, for tracking).

    Returns:
        The value passed when resuming (via ``Command(resume=...)``).

    Raises:
        InterruptException: When no answer is available yet, to pause execution.

    Example:
        >>> approval = interrupt("Approve this action?")  # doctest: +SKIP
        >>> if approval == "yes": ...
    """
    scope = _SCOPE.get()
    if scope is None:
        raise InterruptException(InterruptValue(payload=payload, metadata=metadata))
    index = scope.calls
    scope.calls += 1
    if index < len(scope.resumes):
        return scope.resumes[index]
    raise InterruptException(
        InterruptValue(
            payload=payload,
            node_id=scope.node_id,
            graph_id=scope.graph_id,
            metadata=metadata,
            index=index,
        )
    )
