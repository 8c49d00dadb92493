"""What a built graph is made of, as the later stages read it.

:class:`Branch` is a conditional edge; :class:`GraphShape` is the structure
the compiler, the executor, the checkpoint format and the drawing read. They
live below all of those stages so that none of them imports the builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from locus.multiagent.graph._nodes import NodeSpec
    from locus.multiagent.graph._schema import StateSchema

__all__ = ["Blueprint", "Branch", "GraphShape"]


@dataclass(slots=True)
class Branch:
    """A conditional edge: ``path(state)`` picks the next node(s), maybe through ``path_map``."""

    path: Callable[..., Any]
    path_map: dict[Any, str] | None
    is_async: bool


class GraphShape(Protocol):
    """Nodes and edges of a graph (a builder or a compiled graph)."""

    name: str
    schema: StateSchema
    nodes: dict[str, NodeSpec]
    branches: dict[str, list[Branch]]
    joins: list[tuple[tuple[str, ...], str]]


class Blueprint(GraphShape, Protocol):
    """A graph as built (what the compiler reads): its shape plus its static edges."""

    edges: list[tuple[str, str]]
