"""EventBus behaviour: replay then live, ending rules, drops, threads, retention."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import threading
from collections.abc import Iterator

import pytest

from locus.core.events import TerminateEvent, ThinkEvent, ToolStartEvent
from locus.observability import (
    BusEvent,
    EventBus,
    activity,
    current_run_id,
    emit,
    get_event_bus,
    parent_run_id,
    publish_event,
    run_context,
    set_event_bus,
)


@pytest.fixture
def bus() -> Iterator[EventBus]:
    """A fresh process bus for each test."""
    fresh = EventBus(queue_size=8, history_limit=100)
    old = set_event_bus(fresh)
    yield fresh
    fresh.close()
    set_event_bus(old)


def fake_agent_run(n_tools: int = 1) -> None:
    """What the agent loop does: one activity, typed events published."""
    with activity():
        publish_event(ThinkEvent(iteration=1, reasoning="check p99"))
        for i in range(n_tools):
            publish_event(ToolStartEvent(tool_name="get_metric", tool_call_id=f"c{i}", span_id="s"))
        publish_event(TerminateEvent(reason="NoToolCalls()", final_message="p99 is fine"))


async def test_seed_pattern_replays_history_then_ends(bus: EventBus) -> None:
    async with run_context() as rid:
        # run_sync inside a running loop runs in a worker thread with copied contextvars
        await asyncio.to_thread(contextvars.copy_context().run, fake_agent_run)
        seen = []
        async for ev in get_event_bus().subscribe(rid):
            match ev.event_type:
                case "agent.think":
                    seen.append(("think", ev.data["reasoning_preview"]))
                case "agent.tool.started":
                    seen.append(("tool", ev.data["tool_name"]))
                case "agent.terminate":
                    seen.append(("done", ev.data["final_message_preview"]))
    assert seen == [("think", "check p99"), ("tool", "get_metric"), ("done", "p99 is fine")]


async def test_events_have_increasing_seq_and_run_id(bus: EventBus) -> None:
    async with run_context() as rid:
        fake_agent_run(n_tools=3)
    events = bus.history(rid)
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert {e.run_id for e in events} == {rid}
    assert all(isinstance(e, BusEvent) for e in events)
    with pytest.raises(AttributeError):
        events[0].seq = 9  # type: ignore[misc]


async def test_live_subscriber_gets_events_published_from_another_thread(bus: EventBus) -> None:
    async with run_context() as rid:
        sub = bus.subscribe(rid)

        async def consume() -> list[str]:
            return [ev.event_type async for ev in sub]

        task = asyncio.create_task(consume())
        await asyncio.sleep(0)
        await asyncio.to_thread(contextvars.copy_context().run, fake_agent_run)
        types = await asyncio.wait_for(task, 5)
    assert types == ["agent.think", "agent.tool.started", "agent.terminate"]
    assert sub.end_reason == "idle"


async def test_follow_subscription_lasts_until_context_closes(bus: EventBus) -> None:
    async with run_context() as rid:
        sub = bus.subscribe(rid, follow=True)
        fake_agent_run()
        fake_agent_run()  # a second agent run after an idle moment
        emit("memory.checkpoint.saved", {"thread_id": "t1"}, backend="memory")
    types = [ev.event_type async for ev in sub]
    assert len(types) == 7
    assert types[-1] == "memory.checkpoint.saved"
    assert sub.end_reason == "run_closed"


async def test_non_follow_subscription_waits_while_no_activity_started(bus: EventBus) -> None:
    async with run_context() as rid:
        sub = bus.subscribe(rid)
        emit("router.goal.extracted", goal_preview="x")  # not an activity: stays live
        first = await asyncio.wait_for(sub.__anext__(), 5)
        assert first.event_type == "router.goal.extracted"
        fake_agent_run()
        rest = [ev.event_type async for ev in sub]
    assert rest[-1] == "agent.terminate"


async def test_nested_activities_keep_subscription_open(bus: EventBus) -> None:
    async with run_context() as rid:
        sub = bus.subscribe(rid)
        with activity():  # an orchestrator wrapping two agent runs
            fake_agent_run()
            fake_agent_run()
            assert sub.end_reason is None
        types = [ev.event_type async for ev in sub]
    assert types.count("agent.terminate") == 2


async def test_slow_consumer_drops_and_never_blocks_publisher(bus: EventBus) -> None:
    async with run_context() as rid:
        sub = bus.subscribe(rid, queue_size=4)
        with activity():
            for i in range(50):
                emit("agent.think", iteration=i)  # no consumer is reading
        got = [ev.data["iteration"] async for ev in sub]
    assert got == [0, 1, 2, 3]
    assert sub.dropped == 46
    # history is not subject to the subscriber's queue bound
    assert len(bus.history(rid)) == 50


async def test_late_subscriber_replays_full_history_beyond_queue_size(bus: EventBus) -> None:
    async with run_context() as rid:
        with activity():
            for i in range(20):
                emit("agent.think", iteration=i)
        sub = bus.subscribe(rid)  # queue_size 8 < 20 replayed events
        got = [ev.data["iteration"] async for ev in sub]
    assert got == list(range(20))
    assert sub.dropped == 0


async def test_history_is_bounded_per_run() -> None:
    small = EventBus(history_limit=5)
    async with run_context(bus=small) as rid:
        for i in range(12):
            emit("agent.think", iteration=i)
    assert [e.data["iteration"] for e in small.history(rid)] == [7, 8, 9, 10, 11]
    assert [e.seq for e in small.history(rid)] == [8, 9, 10, 11, 12]


async def test_closed_runs_are_freed() -> None:
    small = EventBus(max_closed_runs=10, retention_seconds=3600)
    for _ in range(200):
        with run_context(bus=small):
            emit("agent.think", iteration=1)
    assert len(small.run_ids()) <= 11

    instant = EventBus(retention_seconds=0)
    with run_context(bus=instant) as rid:
        emit("agent.think", iteration=1)
    with run_context(bus=instant):
        pass
    assert rid not in instant.run_ids()


async def test_subscribe_after_close_replays_within_retention(bus: EventBus) -> None:
    async with run_context() as rid:
        fake_agent_run()
    types = [ev.event_type async for ev in bus.subscribe(rid, follow=True)]
    assert types == ["agent.think", "agent.tool.started", "agent.terminate"]


async def test_subscribe_global_sees_all_runs_until_closed(bus: EventBus) -> None:
    sub = bus.subscribe_global()
    async with run_context() as a:
        emit("rag.retrieve.started", k=3)
    async with run_context() as b:
        emit("rag.retrieve.completed", count=2)
    first = await asyncio.wait_for(sub.__anext__(), 5)
    second = await asyncio.wait_for(sub.__anext__(), 5)
    assert (first.run_id, first.event_type) == (a, "rag.retrieve.started")
    assert (second.run_id, second.event_type) == (b, "rag.retrieve.completed")
    await sub.aclose()
    with pytest.raises(StopAsyncIteration):
        await sub.__anext__()


async def test_cancelling_a_global_consumer_unsubscribes(bus: EventBus) -> None:
    sub = bus.subscribe_global()

    async def watch() -> None:
        async for _ in sub:
            pass

    task = asyncio.create_task(watch())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert bus._global == ()


async def test_breaking_out_of_async_for_unsubscribes(bus: EventBus) -> None:
    async with run_context() as rid:
        sub = bus.subscribe(rid, follow=True)
        emit("agent.think", iteration=1)
        emit("agent.think", iteration=2)
        async for _ in sub:
            break
        gc.collect()
        for _ in range(3):
            await asyncio.sleep(0)
        assert sub not in bus._runs[rid].subscribers


async def test_nested_run_context_is_a_child_run(bus: EventBus) -> None:
    async with run_context() as parent:
        async with run_context() as child:
            assert current_run_id() == child
            assert parent_run_id() == parent
            emit("multiagent.orchestrator.delegated", specialist="sre")
        assert current_run_id() == parent
    (ev,) = bus.history(child)
    assert ev.parent_run_id == parent
    assert bus.history(parent) == []


def test_sync_with_and_given_run_id(bus: EventBus) -> None:
    assert current_run_id() is None
    with run_context("run-42") as rid:
        assert rid == "run-42" == current_run_id()
        emit("server.request.received", {"path": "/invoke"}, method="POST")
    assert current_run_id() is None
    (ev,) = bus.history("run-42")
    assert ev.data == {"path": "/invoke", "method": "POST"}


def test_no_run_context_publishes_nothing(bus: EventBus) -> None:
    seen = bus.subscribe_global()
    publish_event(ThinkEvent(iteration=1))
    emit("agent.think", iteration=1)
    with activity() as rid:
        assert rid is None
    assert seen.pending == 0
    assert bus.run_ids() == []


def test_publish_from_many_threads_keeps_seq_unique(bus: EventBus) -> None:
    with run_context() as rid:
        ctx = contextvars.copy_context()

        def work() -> None:
            for i in range(200):
                ctx.copy().run(emit, "agent.think", iteration=i)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    seqs = [e.seq for e in bus.history(rid)]
    assert len(seqs) == 100  # the bus keeps the last history_limit events
    assert seqs == sorted(seqs)
    assert len(set(seqs)) == 100
    assert seqs[-1] == 800


def test_invalid_bus_sizes_are_rejected() -> None:
    from locus.core.errors import ValidationError

    with pytest.raises(ValidationError, match="queue_size"):
        EventBus(queue_size=0)


def test_runs_published_outside_a_context_are_freed_too() -> None:
    small = EventBus(max_closed_runs=5, retention_seconds=3600)
    for i in range(100):  # e.g. a worker thread outliving its run_context
        small.publish(f"stale-{i}", "agent.think", {"iteration": 1})
    assert len(small.run_ids()) <= 6


async def test_subscribe_before_the_run_opens_waits_for_it(bus: EventBus) -> None:
    sub = bus.subscribe("run-later")

    async def consume() -> list[str]:
        return [ev.event_type async for ev in sub]

    task = asyncio.create_task(consume())
    await asyncio.sleep(0)
    assert not task.done()
    async with run_context("run-later"):
        fake_agent_run()
    assert await asyncio.wait_for(task, 5) == [
        "agent.think",
        "agent.tool.started",
        "agent.terminate",
    ]


async def test_publisher_running_its_own_event_loop_in_a_thread(bus: EventBus) -> None:
    async def agent_in_other_loop() -> None:
        fake_agent_run(n_tools=2)

    async with run_context() as rid:
        sub = bus.subscribe(rid)

        async def consume() -> list[str]:
            return [ev.event_type async for ev in sub]

        task = asyncio.create_task(consume())
        await asyncio.sleep(0)
        ctx = contextvars.copy_context()
        await asyncio.to_thread(ctx.run, asyncio.run, agent_in_other_loop())
        types = await asyncio.wait_for(task, 5)
    assert types.count("agent.tool.started") == 2


def test_subscriber_whose_loop_closed_does_not_break_publishing(bus: EventBus) -> None:
    with run_context() as rid:
        sub = bus.subscribe(rid, follow=True)
        loop = asyncio.new_event_loop()
        waiting = loop.create_task(sub.__anext__())
        loop.run_until_complete(asyncio.sleep(0))  # the consumer now waits for an event
        loop.close()  # ...and its loop goes away without cancelling it
        emit("agent.think", iteration=1)  # must not raise
        emit("agent.think", iteration=2)
    assert len(bus.history(rid)) == 2
    assert sub not in bus._runs[rid].subscribers
    del waiting


async def test_include_children_delivers_nested_run_events(bus: EventBus) -> None:
    async with run_context() as parent:
        tree = bus.subscribe(parent, follow=True, include_children=True)
        own = bus.subscribe(parent, follow=True)
        emit("multiagent.orchestrator.started", orchestrator="lead")
        async with run_context() as child:
            async with run_context() as grandchild:
                emit("agent.think", iteration=1)
            emit("multiagent.specialist.completed", specialist="sre")
    got = [(ev.run_id, ev.event_type) async for ev in tree]
    assert got == [
        (parent, "multiagent.orchestrator.started"),
        (grandchild, "agent.think"),
        (child, "multiagent.specialist.completed"),
    ]
    assert [ev.run_id async for ev in own] == [parent]


def test_drain_takes_delivered_events_without_waiting(bus: EventBus) -> None:
    with run_context() as rid:
        emit("agent.think", iteration=1)
        sub = bus.subscribe(rid, follow=True)  # one replayed event
        emit("agent.think", iteration=2)  # one live event
        assert [ev.data["iteration"] for ev in sub.drain()] == [1, 2]
        assert sub.drain() == []
