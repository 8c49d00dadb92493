"""Rendering a graph's structure: :class:`DrawableGraph`, mermaid and ASCII.

A conditional edge is drawn to the targets it declares (its ``path_map``) or,
without one, to those its router's return annotation names
(``-> Literal["a", "b", END]``). Only when neither says anything is it drawn to
every other node and to END, since it may route anywhere. Nodes that route
with ``Command``/``Send`` are drawn to their ``add_node(..., destinations=...)``.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from locus.multiagent.graph._types import END, START

if TYPE_CHECKING:
    from locus.multiagent.graph._exec import RunnableGraph

__all__ = ["DrawableGraph", "inferred_targets"]


def inferred_targets(path: Any) -> list[str] | None:
    """The node names a router's return annotation allows, or ``None`` if it names none.

    Understands ``Literal[...]``, unions and sequences of them, and ``None``.
    """
    target = path if hasattr(path, "__code__") else type(path).__call__
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # unresolvable annotations: nothing to infer
        return None
    if "return" not in hints:
        return None
    found: list[str] = []
    if not _literals(hints["return"], found):
        return None
    return list(dict.fromkeys(found))


def _literals(hint: Any, out: list[str]) -> bool:
    """Collect the string literals of ``hint``; ``False`` when it allows any string."""
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        out.extend(str(a) for a in typing.get_args(hint))
        return True
    if hint is type(None):
        return True
    args = typing.get_args(hint)
    if args and origin is not None and origin is not typing.Annotated:
        return all(_literals(a, out) for a in args if a is not Ellipsis)
    if origin is typing.Annotated:
        return _literals(args[0], out)
    return False


@dataclass(frozen=True)
class DrawableGraph:
    """Nodes and edges of a graph (conditional edges marked).

    Attributes:
        nodes: Node names, ``START`` and ``END`` included.
        edges: ``(source, target, conditional)`` triples.
    """

    nodes: list[str] = field(default_factory=list)
    edges: list[tuple[str, str, bool]] = field(default_factory=list)

    @classmethod
    def from_compiled(cls, graph: RunnableGraph) -> DrawableGraph:
        """Read the structure of a compiled graph."""
        edges: list[tuple[str, str, bool]] = []
        for source, targets in graph.static.items():
            edges.extend((source, t, False) for t in targets)
        for sources, target in graph.joins:
            edges.extend((s, target, False) for s in sources)
        everywhere = [*(n for n in graph.nodes), END]
        for source, branches in graph.branches.items():
            for branch in branches:
                if branch.path_map:
                    targets = list(dict.fromkeys(branch.path_map.values()))
                else:
                    inferred = inferred_targets(branch.path)
                    targets = (
                        inferred if inferred is not None else [t for t in everywhere if t != source]
                    )
                edges.extend((source, t, True) for t in targets)
        for name, spec in graph.nodes.items():
            for target in spec.metadata.get("destinations", ()):
                edges.append((name, target, True))
        seen: set[tuple[str, str, bool]] = set()
        unique = [e for e in edges if not (e in seen or seen.add(e))]  # type: ignore[func-returns-value]
        return cls([START, *graph.nodes, END], unique)

    def draw_mermaid(self, direction: str = "TD") -> str:
        """A mermaid ``flowchart`` (solid edges; dotted for conditional ones)."""
        ids = {name: _id(name) for name in self.nodes}
        lines = [f"flowchart {direction}"]
        for name in self.nodes:
            if name == START:
                lines.append(f"    {ids[name]}([START])")
            elif name == END:
                lines.append(f"    {ids[name]}([END])")
            else:
                lines.append(f'    {ids[name]}["{name}"]')
        for source, target, conditional in self.edges:
            arrow = "-.->" if conditional else "-->"
            lines.append(
                f"    {ids.get(source, _id(source))} {arrow} {ids.get(target, _id(target))}"
            )
        return "\n".join(lines) + "\n"

    def draw_ascii(self) -> str:
        """One block per node listing where it goes (``-->`` always, ``-.->`` conditionally)."""
        out: dict[str, list[str]] = {name: [] for name in self.nodes}
        for source, target, conditional in self.edges:
            out.setdefault(source, []).append(
                f"  {'-.->' if conditional else '-->'} {_label(target)}"
            )
        lines: list[str] = []
        for name, targets in out.items():
            if name == END:
                continue
            lines.append(_label(name))
            lines.extend(targets)
        lines.append(_label(END))
        return "\n".join(lines) + "\n"


def _label(name: str) -> str:
    return "START" if name == START else "END" if name == END else name


def _id(name: str) -> str:
    if name == START:
        return "__start__"
    if name == END:
        return "__end__"
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)
