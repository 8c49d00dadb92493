"""StateGraph behaviour: routing, merging, Send, subgraphs, retry, cache, limits, streaming."""

from __future__ import annotations

import asyncio
import itertools
import operator
from typing import Annotated, Any, TypedDict

import pytest
from pydantic import BaseModel

from locus.core.command import Command, End
from locus.core.errors import ValidationError
from locus.core.reducers import add_numbers, append_list
from locus.core.send import Send
from locus.multiagent.graph import (
    END,
    START,
    CachePolicy,
    GraphConfig,
    GraphEvent,
    GraphRecursionError,
    RetryPolicy,
    StateGraph,
)


class S(TypedDict, total=False):
    items: Annotated[list[str], append_list]
    count: Annotated[int, add_numbers]
    status: str
    n: int


def chain(*names: str) -> StateGraph:
    g = StateGraph(S)
    for name in names:
        g.add_node(name, lambda s, name=name: {"items": [name]})
    g.add_edge(START, names[0])
    for a, b in itertools.pairwise(names):
        g.add_edge(a, b)
    g.add_edge(names[-1], END)
    return g


async def test_linear_chain_runs_in_order_and_reducer_appends() -> None:
    out = await chain("a", "b", "c").compile().ainvoke({"items": ["start"], "status": "x"})
    assert out["items"] == ["start", "a", "b", "c"]
    assert out["status"] == "x"


async def test_parallel_nodes_merge_deterministically_by_name() -> None:
    g = StateGraph(S)

    async def slow(state: S) -> dict[str, Any]:
        await asyncio.sleep(0.01)
        return {"items": ["slow"], "count": 1, "status": "slow"}

    async def fast(state: S) -> dict[str, Any]:
        return {"items": ["fast"], "count": 2, "status": "fast"}

    g.add_node("b_slow", slow).add_node("a_fast", fast).add_node(
        "join", lambda s: {"items": ["join"]}
    )
    g.add_edge(START, "b_slow").add_edge(START, "a_fast")
    g.add_edge(["a_fast", "b_slow"], "join").add_edge("join", END)
    out = await g.compile().ainvoke({})
    # merge order is node-name order, not completion order
    assert out["items"] == ["fast", "slow", "join"]
    assert out["count"] == 3
    assert out["status"] == "slow"


async def test_join_waits_for_all_sources_across_steps() -> None:
    g = StateGraph(S)
    g.add_node("a", lambda s: {"items": ["a"]}).add_node("b1", lambda s: {"items": ["b1"]})
    g.add_node("b2", lambda s: {"items": ["b2"]}).add_node("j", lambda s: {"items": ["j"]})
    g.add_edge(START, "a").add_edge(START, "b1").add_edge("b1", "b2")
    g.add_edge(["a", "b2"], "j").add_edge("j", END)
    out = await g.compile().ainvoke({})
    assert out["items"].count("j") == 1
    assert out["items"][-1] == "j"


async def test_conditional_edges_name_list_and_path_map() -> None:
    g = StateGraph(S)
    g.add_node("router", lambda s: None)
    g.add_node("x", lambda s: {"items": ["x"]}).add_node("y", lambda s: {"items": ["y"]})
    g.add_edge(START, "router")
    g.add_conditional_edges(
        "router", lambda s: "big" if s["n"] > 5 else "small", {"big": "x", "small": "y"}
    )
    g.add_edge("x", END).add_edge("y", END)
    app = g.compile()
    assert (await app.ainvoke({"n": 9}))["items"] == ["x"]
    assert (await app.ainvoke({"n": 1}))["items"] == ["y"]

    g2 = StateGraph(S)
    g2.add_node("r", lambda s: None).add_node("x", lambda s: {"items": ["x"]})
    g2.add_node("y", lambda s: {"items": ["y"]})
    g2.add_edge(START, "r")

    async def both(state: S) -> list[str]:
        return ["y", "x"]

    g2.add_conditional_edges("r", both)
    assert (await g2.compile().ainvoke({}))["items"] == ["x", "y"]


async def test_path_map_miss_is_a_clear_error() -> None:
    g = StateGraph(S)
    g.add_node("r", lambda s: None).add_node("x", lambda s: None)
    g.add_edge(START, "r").add_conditional_edges("r", lambda s: "nope", {"yes": "x"})
    with pytest.raises(ValidationError, match="nope"):
        await g.compile().ainvoke({})


async def test_cycle_stops_on_condition_and_recursion_limit_raises() -> None:
    g = StateGraph(S)
    g.add_node("inc", lambda s: {"count": 1})
    g.add_edge(START, "inc")
    g.add_conditional_edges("inc", lambda s: END if s["count"] >= 5 else "inc")
    assert (await g.compile().ainvoke({"count": 0}))["count"] == 5

    forever = StateGraph(S)
    forever.add_node("spin", lambda s: {"count": 1}).add_edge(START, "spin").add_edge(
        "spin", "spin"
    )
    with pytest.raises(GraphRecursionError) as info:
        await forever.compile().ainvoke({}, config=GraphConfig(recursion_limit=7))
    assert info.value.limit == 7
    assert info.value.last_nodes == ["spin"]
    assert info.value.kind == "graph_recursion"


async def test_command_goto_overrides_edges_and_end_stops() -> None:
    g = StateGraph(S)
    g.add_node("a", lambda s: Command(update={"items": ["a"]}, goto="c"))
    g.add_node("b", lambda s: {"items": ["b"]})
    g.add_node("c", lambda s: End(update={"items": ["c"]}))
    g.add_node("d", lambda s: {"items": ["d"]})
    g.add_edge(START, "a").add_edge("a", "b").add_edge("c", "d")
    assert (await g.compile().ainvoke({}))["items"] == ["a", "c"]


async def test_send_map_reduce_1000() -> None:
    g = StateGraph(S)
    g.add_node("plan", lambda s: None)
    g.add_node("work", lambda payload: {"items": [f"w{payload['i']}"], "count": 1})
    g.add_node("done", lambda s: {"status": f"{s['count']} done"})
    g.add_edge(START, "plan")
    g.add_conditional_edges("plan", lambda s: [Send("work", {"i": i}) for i in range(1000)])
    g.add_edge("work", "done").add_edge("done", END)
    out = await g.compile().ainvoke({"count": 0})
    assert out["items"] == [f"w{i}" for i in range(1000)]  # Send order, not completion order
    assert out["status"] == "1000 done"


async def test_node_returning_sends_and_async_workers() -> None:
    g = StateGraph(S)
    g.add_node("plan", lambda s: [Send("work", {"i": i}) for i in range(3)])

    async def work(payload: dict[str, int]) -> dict[str, Any]:
        await asyncio.sleep(0.001 * (3 - payload["i"]))
        return {"items": [str(payload["i"])]}

    g.add_node(work).add_edge(START, "plan")
    assert (await g.compile().ainvoke({}))["items"] == ["0", "1", "2"]


async def test_unknown_update_key_is_rejected() -> None:
    g = StateGraph(S)
    g.add_node("bad", lambda s: {"nope": 1}).add_edge(START, "bad")
    with pytest.raises(
        ValidationError, match=r"node 'bad' wrote unknown state key\(s\) \['nope'\]"
    ):
        await g.compile().ainvoke({})


def test_compile_validation_errors_name_the_offenders() -> None:
    g = StateGraph(S)
    g.add_node("a", lambda s: None)
    with pytest.raises(ValidationError, match="duplicate node name 'a'"):
        g.add_node("a", lambda s: None)
    g.add_edge("a", "ghost")
    with pytest.raises(ValidationError, match="ghost"):
        g.compile()
    h = StateGraph(S)
    h.add_node("a", lambda s: None)
    with pytest.raises(ValidationError, match="no path from START"):
        h.compile()


async def test_pydantic_schema_defaults_and_model_view() -> None:
    class P(BaseModel):
        topic: str
        notes: Annotated[list[str], operator.add] = []
        score: int = 0

    seen: list[Any] = []

    def step(state: P) -> dict[str, Any]:
        seen.append(state)
        return {"notes": [state.topic], "score": state.score + 1}

    g = StateGraph(P)
    g.add_node(step).add_edge(START, "step").add_edge("step", END)
    out = await g.compile().ainvoke({"topic": "t"})
    assert out == {"topic": "t", "notes": ["t"], "score": 1}
    assert isinstance(seen[0], P)
    with pytest.raises(ValidationError, match="does not match state schema P"):
        await g.compile().ainvoke({"score": 1})


async def test_subgraph_as_node() -> None:
    sub = chain("s1", "s2").compile(name="inner")
    g = StateGraph(S)
    g.add_node("pre", lambda s: {"items": ["pre"]}).add_node("inner", sub)
    g.add_edge(START, "pre").add_edge("pre", "inner").add_edge("inner", END)
    out = await g.compile().ainvoke({"items": []})
    assert out["items"] == ["pre", "s1", "s2"]


async def test_retry_policy_retries_matching_errors_only() -> None:
    calls = {"n": 0}

    def flaky(state: S) -> dict[str, Any]:
        calls["n"] += 1
        if calls["n"] < 3:
            raise ConnectionError("boom")
        return {"status": "ok"}

    g = StateGraph(S)
    g.add_node(
        "flaky",
        flaky,
        retry=RetryPolicy(max_attempts=3, initial_interval=0, retry_on=ConnectionError),
    )
    g.add_edge(START, "flaky")
    assert (await g.compile().ainvoke({}))["status"] == "ok"
    assert calls["n"] == 3

    def wrong(state: S) -> dict[str, Any]:
        calls["n"] += 1
        raise KeyError("no")

    g2 = StateGraph(S)
    g2.add_node(
        "wrong",
        wrong,
        retry=RetryPolicy(max_attempts=5, initial_interval=0, retry_on=ConnectionError),
    )
    g2.add_edge(START, "wrong")
    calls["n"] = 0
    with pytest.raises(KeyError):
        await g2.compile().ainvoke({})
    assert calls["n"] == 1


async def test_cache_policy_skips_repeat_inputs() -> None:
    calls: list[int] = []

    def expensive(state: S) -> dict[str, Any]:
        calls.append(state["n"])
        return {"status": f"n={state['n']}"}

    g = StateGraph(S)
    g.add_node("expensive", expensive, cache=CachePolicy()).add_edge(START, "expensive")
    app = g.compile()
    assert (await app.ainvoke({"n": 1}))["status"] == "n=1"
    assert (await app.ainvoke({"n": 1}))["status"] == "n=1"
    assert (await app.ainvoke({"n": 2}))["status"] == "n=2"
    assert calls == [1, 2]


async def test_astream_updates_values_and_events() -> None:
    app = chain("a", "b").compile()
    updates = [u async for u in app.astream({"items": []})]
    assert updates == [{"a": {"items": ["a"]}}, {"b": {"items": ["b"]}}]
    values = [v async for v in app.astream({"items": []}, stream_mode="values")]
    assert values[-1]["items"] == ["a", "b"]
    events = [e async for e in app.astream({"items": []}, stream_mode="events")]
    assert all(isinstance(e, GraphEvent) for e in events)
    types = [(e.event_type, e.data.get("node")) for e in events]
    assert ("multiagent.graph.node.started", "a") in types
    assert ("multiagent.graph.node.completed", "b") in types
    assert ("multiagent.graph.node.routed", "a") in types


async def test_events_reach_the_event_bus() -> None:
    from locus.observability import get_event_bus, run_context

    async with run_context() as run_id:
        await chain("a", "b").compile().ainvoke({})
    history = [e.event_type for e in get_event_bus().history(run_id)]
    assert "multiagent.graph.started" in history
    assert "multiagent.graph.node.completed" in history
    assert "multiagent.graph.node.routed" in history


def test_mermaid_and_sync_invoke() -> None:
    g = chain("a", "b")
    g.add_node("c", lambda s: None).add_conditional_edges(
        "b", lambda s: END, {"end": END, "c": "c"}
    )
    app = g.compile()
    text = app.get_graph().draw_mermaid()
    assert text.startswith("flowchart TD")
    assert "a --> b" in text
    assert "b -.-> c" in text
    assert app.invoke_sync({})["items"] == ["a", "b"]


async def test_node_with_config_parameter() -> None:
    g = StateGraph(S)

    def node(state: S, config: dict[str, Any]) -> dict[str, Any]:
        return {"status": config["configurable"]["user"]}

    g.add_node(node).add_edge(START, "node")
    out = await g.compile().ainvoke({}, config={"configurable": {"user": "ana"}})
    assert out["status"] == "ana"
