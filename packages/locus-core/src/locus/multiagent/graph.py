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
assert app.invoke_sync({"topic": "tides"})["notes"] == ["facts about tides", "draft"]
```
"""

from __future__ import annotations

from locus.core.command import Command, End
from locus.core.interrupt import AutoApproveHandler, GraphInterrupted, InterruptHandler, interrupt
from locus.core.send import Send, SendBatch
from locus.multiagent._graph_agent import final_text
from locus.multiagent._graph_builder import StateGraph
from locus.multiagent._graph_compiled import CompiledGraph
from locus.multiagent._graph_draw import DrawableGraph
from locus.multiagent._graph_exec import emit_custom, publish_node_event
from locus.multiagent._graph_types import (
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
    "emit_custom",
    "final_text",
    "interrupt",
    "publish_node_event",
]
