"""Rendering a graph's structure: :class:`DrawableGraph` and mermaid."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from locus.multiagent._graph_types import END, START

if TYPE_CHECKING:
    from locus.multiagent._graph_compiled import CompiledGraph

__all__ = ["DrawableGraph"]


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
    def from_compiled(cls, graph: CompiledGraph) -> DrawableGraph:
        """Read the structure of a compiled graph."""
        edges: list[tuple[str, str, bool]] = []
        for source, targets in graph.static.items():
            edges.extend((source, t, False) for t in targets)
        for sources, target in graph.joins:
            edges.extend((s, target, False) for s in sources)
        for source, branches in graph.branches.items():
            for branch in branches:
                if branch.path_map:
                    edges.extend((source, t, True) for t in dict.fromkeys(branch.path_map.values()))
                else:
                    edges.extend((source, t, True) for t in graph.nodes if t != source)
        return cls([START, *graph.nodes, END], edges)

    def draw_mermaid(self) -> str:
        """A mermaid ``flowchart`` (solid edges; dotted for conditional ones)."""
        ids = {name: _id(name) for name in self.nodes}
        lines = ["flowchart TD"]
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


def _id(name: str) -> str:
    if name == START:
        return "__start__"
    if name == END:
        return "__end__"
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)
