"""Publishing with no run context open allocates nothing (the agent loop's hot path)."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable

from locus.core.events import ThinkEvent
from locus.observability import activity, current_run_id, emit, publish_event


def peak_bytes(fn: Callable[[], object], calls: int = 1_000) -> int:
    """Peak memory allocated above the starting point while calling ``fn`` repeatedly."""
    fn()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(calls):
            fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def test_measure_sees_transient_allocations() -> None:
    assert peak_bytes(lambda: [0] * 10) > peak_bytes(lambda: None)


def test_no_run_context_allocates_nothing() -> None:
    assert current_run_id() is None
    loop_only = peak_bytes(lambda: None)  # the measuring loop's own ints
    event = ThinkEvent(iteration=1, reasoning="x")
    data = {"thread_id": "t"}
    assert peak_bytes(lambda: publish_event(event)) <= loop_only
    assert peak_bytes(lambda: emit("memory.checkpoint.saved", data)) <= loop_only
    assert peak_bytes(current_run_id) <= loop_only
    assert peak_bytes(activity) <= loop_only
