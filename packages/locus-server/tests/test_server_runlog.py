"""A run's event log: what a live stream and a resumed stream receive."""

from __future__ import annotations

import asyncio

from server_helpers import parse_sse

from locus.server._runs import RunLog


def _item(event_type: str, n: int) -> dict[str, object]:
    return {"event_type": event_type, "data": {"n": n}, "timestamp": 0.0}


async def _collect(run: RunLog, after: int = -1) -> list[dict[str, str]]:
    chunks = [chunk async for _, chunk in run.stream(after)]
    return parse_sse(b"".join(chunks).decode())


async def test_live_and_resumed_streams_get_each_event_once_in_order_up_to_terminate() -> None:
    run = RunLog(key="k" * 32, owner="alice", thread="t")
    live = asyncio.create_task(_collect(run))
    resumed_late = asyncio.create_task(_collect(run, after=2))
    await asyncio.sleep(0)
    run.append(_item("agent.started", 0))  # one at a time, the streams waiting
    await asyncio.sleep(0)
    for n in range(1, 5):  # a burst logged while the streams wait
        run.append(_item("agent.think", n))
    await asyncio.sleep(0)
    run.append(_item("agent.terminate", 5))
    run.append(_item("agent.cleanup", 6))  # after the terminate event: not streamed
    run.finish()
    frames = await live
    assert [f["id"] for f in frames] == [f"{'k' * 32}:{n}" for n in range(6)]
    assert [f["event"] for f in frames][-1] == "agent.terminate"
    assert [f["id"] for f in await resumed_late] == [f"{'k' * 32}:{n}" for n in range(3, 6)]
    # a finished run replays the same frames, byte for byte
    assert await _collect(run) == frames
    assert await _collect(run, after=5) == []


async def test_a_run_that_ends_without_terminate_streams_everything_it_logged() -> None:
    run = RunLog(key="e" * 32, owner="alice", thread="t")
    run.append(_item("agent.started", 0))
    run.append(_item("error", 1))
    run.finish()
    assert [f["event"] for f in await _collect(run)] == ["agent.started", "error"]
    assert await run.batch(1) == ['{"event_type":"error","data":{"n":1},"timestamp":0.0}']
