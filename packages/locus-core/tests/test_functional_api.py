"""Functional API: @task futures, @entrypoint checkpoint, interrupt and replay."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.interrupt import GraphInterrupted, interrupt
from locus.core.send import scatter
from locus.multiagent.functional import RetryPolicy, TaskFuture, entrypoint, task


async def test_tasks_gather_and_map_reduce_with_scatter() -> None:
    @task
    async def square(x: int) -> int:
        await asyncio.sleep(0)
        return x * x

    @entrypoint()
    async def total(numbers: list[int]) -> int:
        futures = [square(s.payload["item"]) for s in scatter("square", numbers)]
        assert all(isinstance(f, TaskFuture) for f in futures)
        return sum(await asyncio.gather(*futures))

    assert await total.invoke([1, 2, 3, 4]) == 30


async def test_task_retry() -> None:
    calls = {"n": 0}

    @task(retry=RetryPolicy(max_attempts=3, initial_interval=0))
    def flaky() -> str:
        calls["n"] += 1
        if calls["n"] < 2:
            raise RuntimeError("transient")
        return "ok"

    @entrypoint()
    async def flow(_: Any) -> str:
        return await flaky()

    assert await flow.invoke(None) == "ok"
    assert calls["n"] == 2


async def test_entrypoint_interrupt_resume_replays_finished_tasks() -> None:
    ran: list[str] = []

    @task
    async def draft(topic: str) -> str:
        ran.append("draft")
        return f"draft about {topic}"

    @task
    def publish(text: str) -> str:
        ran.append("publish")
        return f"published: {text}"

    @entrypoint()
    async def workflow(topic: str) -> str:
        text = await draft(topic)
        verdict = interrupt({"review": text})
        if verdict != "ok":
            return "rejected"
        return await publish(text)

    with pytest.raises(GraphInterrupted) as info:
        await workflow.invoke("tides", thread_id="w1")
    assert info.value.interrupt.payload == {"review": "draft about tides"}
    assert ran == ["draft"]
    out = await workflow.invoke(Command(resume="ok"), thread_id="w1")
    assert out == "published: draft about tides"
    assert ran == ["draft", "publish"]  # draft was replayed from the checkpoint


async def test_resume_unknown_thread_is_an_error() -> None:
    @entrypoint()
    async def flow(x: int) -> int:
        return x

    with pytest.raises(ValidationError, match="no paused flow run"):
        await flow.invoke(Command(resume=1), thread_id="none")
    assert flow.invoke_sync(5) == 5
