"""Draw graphs and patterns as mermaid or plain text.

``graph`` may be a :class:`~locus.multiagent.graph.StateGraph`, a compiled
graph, a pattern (Orchestrator, Swarm, Handoff, Debate: anything with
``get_graph()``) or a :class:`~locus.multiagent.graph.DrawableGraph`.

A conditional edge is drawn to the targets its ``path_map`` declares or its
router's ``Literal[...]`` return annotation names (END included); nodes
routing with ``Command``/``Send`` to their ``destinations``.

```python
from typing import Literal, TypedDict

from locus.multiagent.graph import END, START, StateGraph
from locus.multiagent.visualize import draw_ascii, draw_mermaid


class S(TypedDict):
    n: int


def check(state: S) -> Literal["work", "__end__"]:
    return "work" if state["n"] < 3 else END


graph = StateGraph(S)
graph.add_node("work", lambda s: {"n": s["n"] + 1})
graph.add_edge(START, "work").add_conditional_edges("work", check)
text = draw_mermaid(graph)
assert "work -.-> __end__" in text and "work -.-> work" in text
print(draw_ascii(graph))
```
"""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.multiagent.graph import DrawableGraph

__all__ = ["DrawableGraph", "draw_ascii", "draw_mermaid", "drawable"]


def drawable(graph: Any) -> DrawableGraph:
    """The :class:`DrawableGraph` of a graph, compiled graph or pattern.

    Raises:
        locus.core.errors.ValidationError: ``graph`` is none of those.
    """
    if isinstance(graph, DrawableGraph):
        return graph
    get_graph = getattr(graph, "get_graph", None)
    if callable(get_graph):
        result = get_graph()
        if isinstance(result, DrawableGraph):
            return result
    compile_ = getattr(graph, "compile", None)
    if callable(compile_):
        return drawable(compile_())
    raise ValidationError(
        f"cannot draw {graph!r}: pass a StateGraph, a compiled graph, a pattern "
        f"(Orchestrator, Swarm, Handoff, Debate) or a DrawableGraph"
    )


def draw_mermaid(graph: Any, direction: str = "TD") -> str:
    """A mermaid ``flowchart`` of ``graph`` (``direction``: ``TD``, ``LR``, ``BT``, ``RL``)."""
    if direction not in ("TD", "TB", "LR", "BT", "RL"):
        raise ValidationError(f"direction must be one of TD, TB, LR, BT, RL; got {direction!r}")
    return drawable(graph).draw_mermaid(direction)


def draw_ascii(graph: Any) -> str:
    """``graph`` as plain text: each node, then the nodes it goes to."""
    return drawable(graph).draw_ascii()
