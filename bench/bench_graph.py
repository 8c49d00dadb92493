"""StateGraph executor vs LangGraph's StateGraph, same process, same workloads.

1. A linear chain of 100 trivial nodes: microseconds per node step.
2. A 1000-way ``Send`` fan-out whose results merge through a list reducer.
3. A 10-node cycle, run 100 times around (1000 node steps).

Both libraries run their async ``invoke`` (``ainvoke`` for LangGraph) without
a checkpointer. Best of ``LOCUS_BENCH_REPEAT`` (default 5) runs.

Run: ``python bench/bench_graph.py``.
"""

from __future__ import annotations

import asyncio
import operator
import os
import time
from typing import Annotated, Any, TypedDict

REPEAT = int(os.environ.get("LOCUS_BENCH_REPEAT", "5"))


class ChainState(TypedDict):
    count: int


class FanState(TypedDict, total=False):
    results: Annotated[list[int], operator.add]
    n: int


def step(state: ChainState) -> dict[str, int]:
    return {"count": state["count"] + 1}


def worker(payload: dict[str, int]) -> dict[str, list[int]]:
    return {"results": [payload["i"] * 2]}


def plan(state: FanState) -> dict[str, Any]:
    return {}


def build_chain(graph_cls: Any, start: Any, end: Any, n: int = 100) -> Any:
    g = graph_cls(ChainState)
    for i in range(n):
        g.add_node(f"n{i}", step)
    g.add_edge(start, "n0")
    for i in range(n - 1):
        g.add_edge(f"n{i}", f"n{i + 1}")
    g.add_edge(f"n{n - 1}", end)
    return g.compile()


def build_fanout(graph_cls: Any, send_cls: Any, start: Any, end: Any, width: int = 1000) -> Any:
    g = graph_cls(FanState)
    g.add_node("plan", plan)
    g.add_node("worker", worker)
    g.add_edge(start, "plan")
    g.add_conditional_edges("plan", lambda s: [send_cls("worker", {"i": i}) for i in range(s["n"])])
    g.add_edge("worker", end)
    return g.compile()


def build_cycle(graph_cls: Any, start: Any, end: Any, laps: int = 100) -> Any:
    g = graph_cls(ChainState)
    for i in range(10):
        g.add_node(f"c{i}", step)
    g.add_edge(start, "c0")
    for i in range(9):
        g.add_edge(f"c{i}", f"c{i + 1}")
    g.add_conditional_edges("c9", lambda s: end if s["count"] >= laps * 10 else "c0")
    return g.compile()


async def best(fn: Any) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        await fn()
        times.append(time.perf_counter() - t0)
    return min(times)


async def measure(lib: str) -> dict[str, float]:
    if lib == "locus":
        from locus.core.send import Send
        from locus.multiagent.graph import END, START, GraphConfig, StateGraph

        chain = build_chain(StateGraph, START, END)
        fan = build_fanout(StateGraph, Send, START, END)
        cycle = build_cycle(StateGraph, START, END)
        cfg: Any = GraphConfig(recursion_limit=10_000)

        async def run_chain() -> Any:
            return await chain.ainvoke({"count": 0}, config=cfg)

        async def run_fan() -> Any:
            return await fan.ainvoke({"n": 1000, "results": []}, config=cfg)

        async def run_cycle() -> Any:
            return await cycle.ainvoke({"count": 0}, config=cfg)
    else:
        from langgraph.graph import END as LEND
        from langgraph.graph import START as LSTART
        from langgraph.graph import StateGraph as LStateGraph
        from langgraph.types import Send as LSend

        chain = build_chain(LStateGraph, LSTART, LEND)
        fan = build_fanout(LStateGraph, LSend, LSTART, LEND)
        cycle = build_cycle(LStateGraph, LSTART, LEND)
        lcfg = {"recursion_limit": 10_000}

        async def run_chain() -> Any:
            return await chain.ainvoke({"count": 0}, lcfg)

        async def run_fan() -> Any:
            return await fan.ainvoke({"n": 1000, "results": []}, lcfg)

        async def run_cycle() -> Any:
            return await cycle.ainvoke({"count": 0}, lcfg)

    assert (await run_chain())["count"] == 100
    assert len((await run_fan())["results"]) == 1000
    assert (await run_cycle())["count"] == 1000
    return {
        "chain: µs per node step (100 nodes)": await best(run_chain) / 100 * 1e6,
        "fan-out: ms per 1000 Sends": await best(run_fan) * 1e3,
        "cycle: ms per 100 laps of 10 nodes": await best(run_cycle) * 1e3,
    }


def main() -> None:
    ours = asyncio.run(measure("locus"))
    try:
        import langgraph  # noqa: F401

        peer: dict[str, float] | None = asyncio.run(measure("langgraph"))
    except ImportError:
        peer = None
        print("langgraph is not installed: uv pip install langgraph (showing locus only)")
    width = max(len(k) for k in ours)
    print(f"{'workload':<{width}}  {'locus':>10}  {'langgraph':>10}  {'speed-up':>9}")
    for key, value in ours.items():
        if peer:
            other = peer[key]
            print(f"{key:<{width}}  {value:>10.1f}  {other:>10.1f}  {other / value:>8.1f}x")
        else:
            print(f"{key:<{width}}  {value:>10.1f}  {'-':>10}  {'-':>9}")


if __name__ == "__main__":
    main()
