"""The caller streams the events of an enqueued run, in this process or from a worker process.

In the PostgreSQL test the test process is the caller: it enqueues through a
``DBOSClient`` (no DBOS launched here) and reads the run's events from the
system database while ``locus worker`` processes run it (and one dies).
"""

from __future__ import annotations

import asyncio
import signal
from typing import Any

import dbos_app
from _workers import lines, start_worker, stop, wait_for, wait_listening
from dbos import DBOS, DBOSClient

from locus.dbos import DBOSAgent, configure, read_events, register_queue


def _shape(event: Any) -> dict[str, Any]:
    data = {"class": type(event).__name__, **event.model_dump(mode="json")}
    for volatile in ("timestamp", "run_id", "duration_ms", "span_id", "event_id"):
        data.pop(volatile, None)
    return data


async def _in_process(tmp_path, monkeypatch) -> list[dict[str, Any]]:
    """What ``Agent.run`` yields for the same agent and prompt, in this process."""
    local = tmp_path / "local"
    local.mkdir()
    monkeypatch.setenv("LOCUS_DBOS_TEST_DIR", str(local))
    monkeypatch.delenv("LOCUS_DBOS_BLOCK_IN", raising=False)
    return [_shape(e) async for e in dbos_app.orders.agent.run("A-1")]


def _enqueue(client: DBOSClient, workflow_id: str) -> None:
    options: Any = {
        "queue_name": "orders",
        "workflow_name": "locus.agent.orders",
        "workflow_id": workflow_id,
        "app_version": "t",
    }
    client.enqueue(options, "A-1", None, True)  # prompt, thread_id, stream


async def test_enqueued_with_stream_its_events_are_what_agent_run_yields(
    sqlite_url, tmp_path, monkeypatch
):
    expected = await _in_process(tmp_path, monkeypatch)
    orders = DBOSAgent(dbos_app.orders.agent, name="orders-here", queue="here")
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    await register_queue("here", polling_interval=0.05)
    handle = await orders.enqueue("A-1", stream=True)
    events = [_shape(e) async for e in orders.events(handle.workflow_id, idle_timeout=60)]
    assert (await handle.get_result()).message == "done A-1"
    assert events == expected
    assert events[0]["class"] == "RunStartEvent"
    assert events[-1]["class"] == "TerminateEvent"


async def test_a_worker_process_streams_to_the_caller_and_its_recovery_each_event_once(
    pg_url, tmp_path, monkeypatch
):
    expected = await _in_process(tmp_path, monkeypatch)
    # everything before the third model call (the one the worker dies in) is written
    before_model2 = [i for i, e in enumerate(expected) if e["class"] == "ModelCompleteEvent"][2]
    block = {"LOCUS_DBOS_BLOCK_IN": "model2"}
    first = start_worker(pg_url, tmp_path, "w1", "--poll", "0.1", env=block)
    second = reader = None
    client = DBOSClient(system_database_url=pg_url)
    try:
        await asyncio.to_thread(wait_listening, first)
        _enqueue(client, "stream-kill")
        events = []
        reader = asyncio.ensure_future(
            _collect(read_events("stream-kill", client=client, idle_timeout=120), events)
        )
        await asyncio.to_thread(
            wait_for, lambda: lines(tmp_path, "ready"), 60, "the run to reach model2", [first]
        )
        await asyncio.to_thread(
            wait_for, lambda: len(events) >= before_model2, 60, "the events so far", [first]
        )
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        read_before_the_kill = [e for e in events]
        second = start_worker(pg_url, tmp_path, "w1", "--poll", "0.1")
        await asyncio.wait_for(reader, 120)
        result = await (await client.retrieve_workflow_async("stream-kill")).get_result()
    finally:
        if reader is not None and not reader.done():
            reader.cancel()
        client.destroy()
        stop(first)
        if second is not None:
            stop(second)

    # the first worker's events reached the caller, up to the call it died in
    assert [_shape(e) for e in read_before_the_kill] == expected[:before_model2]
    assert [_shape(e) for e in events] == expected  # replayed turns not streamed twice
    # the recovery replayed the recorded steps: the model was asked again only in
    # turn 2 (the one the first worker died in), by the second worker
    assert result.message == "done A-1"
    calls = [line.rsplit(" ", 1) for line in lines(tmp_path, "model")]
    assert [c[0] for c in calls] == ["A-1 0", "A-1 1", "A-1 2", "A-1 2"]
    assert len({c[1] for c in calls[:3]}) == 1
    assert calls[3][1] != calls[0][1]
    # each tool effect once: recorded tool steps are replayed, not re-run
    assert lines(tmp_path, "effects") == ["charge A-1", "ship-start A-1", "ship A-1"]
    assert [t.result for t in result.tool_executions] == ["charged A-1", "shipped A-1"]


async def _collect(events_in: Any, into: list[Any]) -> None:
    async for event in events_in:
        into.append(event)


async def test_a_failing_run_streams_its_error_and_ends_the_stream(sqlite_url):
    import pytest

    from locus import Agent
    from locus.models import FunctionModel

    def broken(messages, tools):
        raise RuntimeError("model down")

    failing = DBOSAgent(Agent(model=FunctionModel(broken), name="broken"), queue="broken")
    configure(system_database_url=sqlite_url, application_version="t", log_level="CRITICAL")
    DBOS.launch()
    await register_queue("broken", polling_interval=0.05)
    handle = await failing.enqueue("hi", stream=True)
    events = [type(e).__name__ async for e in failing.events(handle.workflow_id, idle_timeout=60)]
    assert events[0] == "RunStartEvent"
    assert events[-2:] == ["ErrorEvent", "TerminateEvent"]
    with pytest.raises(RuntimeError, match="model down"):
        await handle.get_result()
