"""StateGraph: explicit nodes and edges over a shared, typed state.

```python
from typing import Annotated, TypedDict

from locus.core.reducers import append_list
from locus.multiagent.graph import END, START, StateGraph


class State(TypedDict):
    topic: str
    notes: Annotated[list[str], append_list]


def research(state: State) -> dict:
    return {"notes": [f"facts about {state['topic']}"]}


def write(state: State) -> dict:
    return {"notes": ["draft"]}


graph = StateGraph(State)
graph.add_node(research).add_node(write)
graph.add_edge(START, "research").add_edge("research", "write").add_edge("write", END)
app = graph.compile()
assert app.invoke({"topic": "tides"})["notes"] == ["facts about tides", "draft"]
```

The modules follow the data, and each imports only those listed after it:

- ``_builder``: :class:`StateGraph` (build), whose ``compile()`` hands over to
- ``_compiled``: :class:`CompiledGraph` (compile; runs, threads, resumes), over
- ``_agent``: the Agent surface of a compiled graph (``run``/``run_sync``/``as_tool``);
- ``_exec``: the superstep executor (execute);
- ``_persist``: a run's position in a checkpoint (persist);
- ``_draw``: :class:`DrawableGraph`, mermaid and ASCII (draw);
- the vocabulary they share: ``_nodes`` (node specs), ``_shape`` (what a
  built graph is made of, as protocols), ``_events``, ``_tasks``,
  ``_position``, ``_schema``, ``_types``.

``tests/test_import_layers.py`` (every import, lazy or type-only, is an arrow)
finds no circle among them.
"""

from __future__ import annotations

from locus.core.command import Command, End
from locus.core.interrupt import AutoApproveHandler, GraphInterrupted, InterruptHandler, interrupt
from locus.core.send import Send, SendBatch
from locus.multiagent.graph._agent import final_text
from locus.multiagent.graph._builder import Graph, StateGraph, create_graph
from locus.multiagent.graph._compiled import CompiledGraph
from locus.multiagent.graph._draw import DrawableGraph
from locus.multiagent.graph._events import emit_custom, publish_node_event, publish_typed_event
from locus.multiagent.graph._types import (
    END,
    START,
    CachePolicy,
    GraphConfig,
    GraphEvent,
    GraphRecursionError,
    GraphResult,
    RetryPolicy,
    StateSnapshot,
    StreamMode,
)

__all__ = [
    "END",
    "START",
    "AutoApproveHandler",
    "CachePolicy",
    "Command",
    "CompiledGraph",
    "DrawableGraph",
    "End",
    "Graph",
    "GraphConfig",
    "GraphEvent",
    "GraphInterrupted",
    "GraphRecursionError",
    "GraphResult",
    "InterruptHandler",
    "RetryPolicy",
    "Send",
    "SendBatch",
    "StateGraph",
    "StateSnapshot",
    "StreamMode",
    "create_graph",
    "emit_custom",
    "final_text",
    "interrupt",
    "publish_node_event",
    "publish_typed_event",
]
