"""The units the executor moves: tasks, their results, and a node's view of its run."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from locus.core.command import End, normalize_node_output
from locus.core.interrupt import InterruptException, InterruptValue
from locus.core.send import Send

if TYPE_CHECKING:
    from locus.core.events import LocusEvent
    from locus.core.interrupt import InterruptHandler

__all__ = ["NODE", "NodeContext", "Out", "SubgraphInterrupt", "Task", "current_node", "to_out"]


@dataclass(slots=True)
class NodeContext:
    """What an Agent or subgraph node sees of the run executing it.

    Attributes:
        node: The node's name.
        step: The superstep.
        events: Sink for typed events (``None`` when nobody streams events).
        handler: The run's interrupt handler.
        position: The subgraph's saved position (JSON) when resuming a paused subgraph.
    """

    node: str
    step: int
    events: list[LocusEvent] | None
    handler: InterruptHandler | None
    position: dict[str, Any] | None = None


NODE: ContextVar[NodeContext | None] = ContextVar("locus_graph_node", default=None)


def current_node() -> NodeContext | None:
    """The :class:`NodeContext` of the Agent/subgraph node running now, if any."""
    return NODE.get()


class SubgraphInterrupt(InterruptException):
    """A subgraph node paused: its interrupts, and its position to resume from."""

    def __init__(self, values: list[InterruptValue], position: dict[str, Any]) -> None:
        super().__init__(values[0])
        self.values = values
        self.position = position


@dataclass(slots=True)
class Task:
    """One node execution of a superstep (``payload`` set for ``Send`` tasks)."""

    node: str
    key: str
    is_send: bool = False
    payload: Any = None


@dataclass(slots=True)
class Out:
    """A normalised node result."""

    update: dict[str, Any]
    goto: list[Any] | None = None
    end: bool = False


def to_out(result: Any) -> Out:
    """Normalise what a node returned (dict, Command, Send(s), model, None...)."""
    if type(result) is dict:
        return Out(result)
    if isinstance(result, Send):
        return Out({}, [result])
    if isinstance(result, list) and result and all(isinstance(r, Send) for r in result):
        return Out({}, list(result))
    update, command = normalize_node_output(result)
    if command is None:
        return Out(update)
    goto = command.goto
    if goto is not None and not isinstance(goto, list | tuple):
        goto = [goto]
    return Out(update, None if goto is None else list(goto), isinstance(command, End))
