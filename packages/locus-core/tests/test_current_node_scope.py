"""get_current_node_id()/get_current_graph_id() inside graph nodes, first run included."""

from __future__ import annotations

import asyncio
import operator
from typing import Annotated, TypedDict

from locus.core.interrupt import get_current_graph_id, get_current_node_id
from locus.core.send import Send
from locus.multiagent.graph import END, START, StateGraph


class S(TypedDict, total=False):
    seen: Annotated[list[tuple[str | None, str | None]], operator.add]
    i: int


def where(_: object) -> dict[str, list[tuple[str | None, str | None]]]:
    return {"seen": [(get_current_node_id(), get_current_graph_id())]}


async def where_async(_: object) -> dict[str, list[tuple[str | None, str | None]]]:
    await asyncio.sleep(0)
    return {"seen": [(get_current_node_id(), get_current_graph_id())]}


async def test_sync_and_async_nodes_see_their_ids_on_the_first_run() -> None:
    graph = StateGraph(S)
    graph.add_node("plain", where)
    graph.add_node("awaits", where_async)
    graph.add_edge(START, "plain")
    graph.add_edge("plain", "awaits")
    graph.add_edge("awaits", END)
    app = graph.compile(name="flow")
    for _ in range(2):  # the second run reuses the first one's scopes
        out = await app.ainvoke({"seen": []})
        assert out["seen"] == [("plain", "flow"), ("awaits", "flow")]
    assert get_current_node_id() is None
    assert get_current_graph_id() is None


async def test_parallel_send_branches_each_see_their_own_node() -> None:
    graph = StateGraph(S)
    graph.add_node("fan", lambda s: {})
    graph.add_node("sync_worker", where)
    graph.add_node("async_worker", where_async)
    graph.add_edge(START, "fan")
    graph.add_conditional_edges(
        "fan",
        lambda s: [Send("sync_worker", {"i": 1}), Send("async_worker", {"i": 2})] * 3,
    )
    graph.add_edge("sync_worker", END)
    graph.add_edge("async_worker", END)
    out = await graph.compile(name="fanout").ainvoke({"seen": []})
    assert sorted(out["seen"]) == [("async_worker", "fanout")] * 3 + [("sync_worker", "fanout")] * 3


async def test_a_subgraph_node_sees_the_inner_graph() -> None:
    inner = StateGraph(S)
    inner.add_node("deep", where)
    inner.add_edge(START, "deep")
    inner.add_edge("deep", END)
    outer = StateGraph(S)
    outer.add_node("before", where)
    outer.add_node("sub", inner.compile(name="inner"))
    outer.add_edge(START, "before")
    outer.add_edge("before", "sub")
    outer.add_edge("sub", END)
    out = await outer.compile(name="outer").ainvoke({"seen": []})
    assert out["seen"][0] == ("before", "outer")
    assert ("deep", "inner") in out["seen"]
