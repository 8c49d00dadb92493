"""Value types of the graph API: markers, policies, config, results, errors, events."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict

from locus.core.errors import LocusError, ValidationError
from locus.core.events import LocusEvent
from locus.core.interrupt import InterruptHandler, InterruptValue

__all__ = [
    "END",
    "START",
    "CachePolicy",
    "GraphConfig",
    "GraphEvent",
    "GraphRecursionError",
    "GraphResult",
    "RetryPolicy",
    "StateSnapshot",
    "StreamMode",
    "check_recursion_limit",
]

START = "__start__"
"""The virtual entry node: ``add_edge(START, "first")``."""

END = "__end__"
"""The virtual exit node: ``add_edge("last", END)``."""


class StreamMode(StrEnum):
    """What :meth:`CompiledGraph.astream` yields (members compare equal to their values).

    Attributes:
        VALUES: The full state after each superstep.
        UPDATES: ``{node: update}`` for each node of each superstep.
        NODES: Node lifecycle :class:`GraphEvent` s (started, completed, routed).
        CUSTOM: The values nodes pass to :func:`~locus.multiagent.graph.emit_custom`.
        DEBUG: Every event (same as ``EVENTS``).
        EVENTS: Every :class:`GraphEvent`, and the typed events nodes report
            (:class:`~locus.core.events.HandoffEvent` from the handoff pattern).
    """

    VALUES = "values"
    UPDATES = "updates"
    NODES = "nodes"
    CUSTOM = "custom"
    DEBUG = "debug"
    EVENTS = "events"


class GraphRecursionError(LocusError):
    """A graph ran more supersteps than its recursion limit (usually an unbounded cycle).

    Attributes:
        limit: The recursion limit that was hit.
        last_nodes: Nodes scheduled when the limit was hit.
    """

    kind = "graph_recursion"

    def __init__(self, limit: int, last_nodes: Sequence[str]) -> None:
        self.limit = limit
        self.last_nodes = list(last_nodes)
        super().__init__(
            f"graph exceeded its recursion limit of {limit} supersteps; the next nodes were "
            f"{self.last_nodes}. Add a stop condition to the cycle, or raise the limit with "
            f"invoke(..., config=GraphConfig(recursion_limit=...))"
        )


@dataclass(frozen=True)
class RetryPolicy:
    """Per-node retry: how often, how long to wait, and on which exceptions.

    Attributes:
        max_attempts: Total attempts, the first included (1 = no retry).
        initial_interval: Seconds before the first retry.
        backoff_factor: Growth of the wait per attempt.
        max_interval: Cap on one wait.
        jitter: Draw each wait uniformly in ``[0, backoff]``.
        retry_on: Exception class(es) to retry, or a predicate on the exception.
            Interrupts are never retried.
    """

    max_attempts: int = 3
    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 30.0
    jitter: bool = False
    retry_on: (
        type[BaseException] | tuple[type[BaseException], ...] | Callable[[BaseException], bool]
    ) = Exception

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValidationError(f"RetryPolicy.max_attempts must be >= 1, got {self.max_attempts}")

    def should_retry(self, exc: BaseException) -> bool:
        """Whether ``exc`` is one this policy retries."""
        check = self.retry_on
        if isinstance(check, type | tuple):
            return isinstance(exc, check)
        return bool(check(exc))

    def retry_delay(self, exc: BaseException, attempt: int) -> float | None:
        """Seconds to wait before retrying failed attempt ``attempt``; ``None``: do not retry."""
        if attempt >= self.max_attempts or not self.should_retry(exc):
            return None
        return self.delay(attempt)

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based)."""
        backoff = min(
            self.initial_interval * self.backoff_factor ** (attempt - 1), self.max_interval
        )
        return random.uniform(0, backoff) if self.jitter else backoff


def default_cache_key(value: Any) -> str:
    """Canonical JSON of a node input (``repr`` for values JSON cannot show)."""
    from pydantic_core import to_jsonable_python

    return json.dumps(to_jsonable_python(value, fallback=repr), sort_keys=True)


@dataclass(frozen=True)
class CachePolicy:
    """Per-node result cache, keyed on the node's input.

    Attributes:
        key_func: Input → cache key (default: canonical JSON of the input).
        ttl: Seconds an entry lives (``None``: for the compiled graph's lifetime).
    """

    key_func: Callable[[Any], str] = default_cache_key
    ttl: float | None = None


def check_recursion_limit(value: Any) -> None:
    """Reject a superstep limit that is not a positive int.

    Raises:
        locus.core.errors.ValidationError: ``value`` is not an int >= 1.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"recursion_limit must be an int >= 1 (the most supersteps a run may take), "
            f"got {value!r}"
        )


@dataclass
class GraphConfig:
    """Options of one graph run.

    Attributes:
        recursion_limit: Maximum supersteps before :class:`GraphRecursionError`.
        thread_id: Thread whose checkpoint the run continues (same as ``thread_id=``).
        interrupt_handler: Answers interrupts automatically.
        configurable: Free-form values nodes read through a ``config`` parameter.
        max_iterations: The original locus's name for ``recursion_limit``
            (when given, it sets ``recursion_limit``).
    """

    recursion_limit: int = 50
    thread_id: str | None = None
    interrupt_handler: InterruptHandler | None = None
    configurable: dict[str, Any] = field(default_factory=dict)
    max_iterations: int | None = None

    def __post_init__(self) -> None:
        if self.max_iterations is not None:
            self.recursion_limit = self.max_iterations
        check_recursion_limit(self.recursion_limit)

    @classmethod
    def coerce(cls, value: GraphConfig | dict[str, Any] | None) -> GraphConfig:
        """Accept a GraphConfig, a dict of its fields (LangGraph-style keys tolerated) or None."""
        if value is None:
            return cls()
        if isinstance(value, GraphConfig):
            return value
        if isinstance(value, dict):
            data = dict(value)
            conf = dict(data.pop("configurable", {}) or {})
            thread_id = data.pop("thread_id", None) or conf.pop("thread_id", None)
            keys = ("recursion_limit", "interrupt_handler", "max_iterations")
            known = {k: data.pop(k) for k in keys if k in data}
            conf.update(data)
            return cls(thread_id=thread_id, configurable=conf, **known)
        raise ValidationError(f"config must be a GraphConfig or a dict, got {value!r}")


class GraphResult(dict[str, Any]):
    """The final state of a run (a ``dict``), plus what paused it, if anything.

    Attributes:
        interrupts: Pending interrupts (empty when the run finished).
        thread_id: The run's thread (generated when an interrupt needed one).
        checkpoint_id: Id of the last checkpoint written, if any.
        steps: Supersteps run.
    """

    def __init__(
        self,
        values: dict[str, Any],
        *,
        interrupts: Sequence[InterruptValue] = (),
        thread_id: str | None = None,
        checkpoint_id: str | None = None,
        steps: int = 0,
    ) -> None:
        super().__init__(values)
        self.interrupts = list(interrupts)
        self.thread_id = thread_id
        self.checkpoint_id = checkpoint_id
        self.steps = steps

    @property
    def interrupted(self) -> bool:
        """Whether the run is paused on an interrupt."""
        return bool(self.interrupts)

    # -- the original locus's names ------------------------------------------------

    @property
    def final_state(self) -> dict[str, Any]:
        """The final state as a plain ``dict`` (this result is that dict too)."""
        return dict(self)

    @property
    def success(self) -> bool:
        """The run finished (it is not paused on an interrupt)."""
        return not self.interrupts

    @property
    def iterations(self) -> int:
        """Alias of :attr:`steps`."""
        return self.steps

    @property
    def interrupt(self) -> InterruptValue | None:
        """The first pending interrupt, or ``None``."""
        return self.interrupts[0] if self.interrupts else None

    def is_interrupted(self) -> bool:
        """Alias of :attr:`interrupted`."""
        return self.interrupted


@dataclass(frozen=True)
class StateSnapshot:
    """A thread's graph state as last checkpointed.

    Attributes:
        values: Channel values.
        next: Nodes that run next (those of the paused step when interrupted).
        step: Supersteps run so far.
        interrupts: Pending interrupts.
        status: ``"running"``, ``"interrupted"`` or ``"completed"``.
        checkpoint_id: Id of the checkpoint.
    """

    values: dict[str, Any]
    next: tuple[str, ...]
    step: int
    interrupts: tuple[InterruptValue, ...] = ()
    status: str = "completed"
    checkpoint_id: str | None = None


class GraphEvent(LocusEvent):
    """A typed graph event (``astream(..., stream_mode="events")``).

    ``event_type`` is one of the ``multiagent.graph.*`` catalogue types; ``data``
    holds the catalogue's data keys.

    An Agent running as a node reports its own typed events (``ThinkEvent``,
    ``ToolStartEvent``...) wrapped in a ``GraphEvent`` of type
    ``multiagent.graph.node.event`` whose ``node`` is the node's name and
    ``event`` the agent's event, in the order the agent produced them.

    Attributes:
        node: The node an inner event comes from (``None`` for graph events).
        event: The wrapped event of an Agent node (``None`` for graph events).
    """

    model_config = ConfigDict(frozen=True)

    event_type: str
    data: dict[str, Any] = {}
    node: str | None = None
    event: LocusEvent | None = None

    def bus_data(self) -> dict[str, Any]:
        """The event's ``data``."""
        return dict(self.data)
