"""EventBus publish rate with 0, 1 and 100 subscribers, and the cost of emitting with no run.

Part 1 publishes N typed events (``ThinkEvent``, as the agent loop does) inside
a ``run_context()`` with 0, 1 and 100 live subscribers; subscribers drain
their queues concurrently on the event loop while a worker thread publishes
(how ``agent.run_sync`` runs inside a loop). Rates are reported as ratios to
the 0-subscriber rate.

Part 2 calls ``publish_event`` / ``emit`` / ``current_run_id`` 100k times with
no run context open, under ``tracemalloc``: the net allocation must be 0 bytes.

Run: ``python bench/bench_eventbus.py`` (``LOCUS_BENCH_EVENTS`` sets N).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import sys
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(__file__))
from _peers import table

from locus.core.events import ThinkEvent
from locus.observability import (
    EventBus,
    activity,
    current_run_id,
    emit,
    publish_event,
    run_context,
    set_event_bus,
)

N = int(os.environ.get("LOCUS_BENCH_EVENTS", "20000"))
CALLS = 100_000


def publish_n(event: ThinkEvent, n: int) -> float:
    """Publish ``n`` events as the agent loop does; return the seconds spent."""
    start = time.perf_counter()
    with activity():
        for _ in range(n):
            publish_event(event)
    return time.perf_counter() - start


async def run_case(subscribers: int) -> tuple[float, int, int]:
    """(publish seconds, events delivered, events dropped) for one subscriber count."""
    bus = EventBus(queue_size=max(N, 1), history_limit=1000)
    set_event_bus(bus)
    event = ThinkEvent(iteration=1, reasoning="checking p99 latency", content=None)
    delivered = 0
    async with run_context() as rid:
        subs = [bus.subscribe(rid) for _ in range(subscribers)]

        async def drain(sub: object) -> int:
            return sum([1 async for _ in sub])  # type: ignore[attr-defined]

        tasks = [asyncio.create_task(drain(s)) for s in subs]
        await asyncio.sleep(0)
        seconds = await asyncio.to_thread(contextvars.copy_context().run, publish_n, event, N)
        delivered = sum(await asyncio.gather(*tasks))
        dropped = sum(s.dropped for s in subs)
    bus.close()
    return seconds, delivered, dropped


def no_context_allocations() -> list[tuple[str, int, float]]:
    """(call, net bytes allocated over CALLS calls, ns per call) with no run open."""
    assert current_run_id() is None
    event = ThinkEvent(iteration=1, reasoning="x")
    data = {"thread_id": "t1"}
    calls = {
        "(empty loop baseline)": lambda: None,
        "publish_event(event)": lambda: publish_event(event),
        "emit(type, data)": lambda: emit("memory.checkpoint.saved", data),
        "current_run_id()": current_run_id,
    }
    rows = []
    baseline = 0
    for name, fn in calls.items():
        fn()  # warm caches
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(CALLS):
            fn()
        net = tracemalloc.get_traced_memory()[0] - before - baseline
        tracemalloc.stop()
        if fn is calls["(empty loop baseline)"]:
            baseline, net = net, 0  # the loop variable keeps its last int alive
        start = time.perf_counter()
        for _ in range(CALLS):
            fn()
        ns = (time.perf_counter() - start) / CALLS * 1e9
        rows.append((name, net, ns))
    return rows


def main() -> None:
    print(f"EventBus publish rate ({N} ThinkEvents, published from a worker thread)\n")
    results = {}
    for count in (0, 1, 100):
        results[count] = asyncio.run(run_case(count))
    base = N / results[0][0]
    rows = []
    for count, (seconds, delivered, dropped) in results.items():
        rate = N / seconds
        rows.append(
            (
                str(count),
                f"{rate:,.0f}/s",
                f"{rate / base:.2f}x",
                f"{delivered:,}",
                f"{dropped:,}",
            )
        )
    print(table(rows, ("subscribers", "publish rate", "vs 0 subs", "delivered", "dropped")))

    print(f"\nNo run context open: {CALLS:,} calls under tracemalloc\n")
    alloc = no_context_allocations()[1:]
    print(
        table(
            [(name, f"{net} B", f"{ns:.0f} ns") for name, net, ns in alloc],
            ("call", "net allocated", "per call"),
        )
    )
    if any(net for _, net, _ in alloc):
        print("\nFAIL: emitting without a run context allocated memory")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
