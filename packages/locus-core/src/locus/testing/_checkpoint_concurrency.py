"""Conformance tests for one thread under concurrency (part of ``CheckpointerConformance``).

Compare-and-set saves, thread leases, and many agent runs racing on one
thread: every backend must keep one unbroken parent chain, every prompt,
and exactly one tool-body execution per idempotency key.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from locus.checkpoint._base import BaseCheckpointer
from locus.checkpoint._lease import ThreadLease
from locus.core.errors import CheckpointConflictError, ThreadBusyError, ValidationError
from locus.core.messages import Message, Role, ToolCall
from locus.core.state import AgentState

if TYPE_CHECKING:
    from locus.models import ModelResponse

__all__ = [
    "ConcurrencyConformance",
    "PagerModel",
    "check_parent_chain",
    "race_processes",
    "race_runs_on_one_thread",
]


async def check_parent_chain(checkpointer: BaseCheckpointer, thread_id: str) -> list[str]:
    """Assert the thread's history is one chain (each parent is the next older); return its ids."""
    hist = await checkpointer.history(thread_id)
    ids = [h.checkpoint_id for h in hist]
    assert [h.parent_id for h in hist] == [*ids[1:], None], "the thread's history forked"
    return ids


async def race_runs_on_one_thread(
    checkpointer: BaseCheckpointer,
    thread_id: str,
    runs: int,
    *,
    keys: int | None = None,
    busy_timeout: float = 600.0,
) -> Counter[str]:
    """Start ``runs`` agent runs on one thread at once; return tool-body executions per key.

    Run ``i`` sends ``"prompt i"``; its model calls the idempotent tool
    ``page(incident="inc-<i % keys>")`` once, then answers. Asserts every
    run completed, every prompt is in the thread once and in order, and the
    thread's history is one chain.
    """
    from locus.agent import Agent
    from locus.tools import tool

    keys = keys or max(1, runs // 4)
    executions: Counter[str] = Counter()

    @tool(idempotent=True)
    async def page(incident: str) -> str:
        """Page the on-call engineer.

        Args:
            incident: Incident id.
        """
        executions[incident] += 1
        await asyncio.sleep(0)  # let other runs interleave here if they can
        return f"paged {incident}"

    agent = Agent(model=PagerModel(keys), tools=[page], checkpointer=checkpointer)
    results = await asyncio.gather(
        *(
            agent.invoke(f"prompt {i}", thread_id=thread_id, busy_timeout=busy_timeout)
            for i in range(runs)
        )
    )
    assert [r.message for r in results] == [f"done {i}" for i in range(runs)]
    final = await checkpointer.load(thread_id)
    assert final is not None
    prompts = [m.content for m in final.messages if m.role is Role.USER]
    assert prompts == [f"prompt {i}" for i in range(runs)]
    await check_parent_chain(checkpointer, thread_id)
    return executions


_RACER = """
import asyncio, json, os, sys
from locus.agent import Agent
from locus.checkpoint import get_checkpointer
from locus.testing._checkpoint_concurrency import PagerModel
from locus.tools import tool

url, options, thread, worker, runs, keys, effects = sys.argv[1:8]

@tool(idempotent=True)
def page(incident: str) -> str:
    \"\"\"Page on-call.

    Args:
        incident: Incident id.
    \"\"\"
    fd = os.open(effects, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    os.write(fd, (incident + "\\n").encode())
    os.close(fd)
    return "paged " + incident

async def main():
    cp = get_checkpointer(url, **json.loads(options))
    agent = Agent(model=PagerModel(int(keys)), tools=[page], checkpointer=cp)
    first = 1000 * int(worker)
    await asyncio.gather(
        *(agent.invoke(f"prompt {first + i}", thread_id=thread, busy_timeout=600)
          for i in range(int(runs)))
    )
    await cp.aclose()

asyncio.run(main())
"""


async def race_processes(
    checkpointer: BaseCheckpointer,
    url: str,
    thread_id: str,
    effects: Path,
    *,
    workers: int = 2,
    runs: int = 20,
    keys: int = 10,
    options: dict[str, Any] | None = None,
) -> None:
    """Race ``workers`` processes of ``runs`` agent runs each on one thread of one store.

    Each process opens ``get_checkpointer(url, **options)`` and runs the
    :func:`race_runs_on_one_thread` agent; the idempotent tool appends its
    key to ``effects`` (``O_APPEND``). Then, through ``checkpointer`` (the same
    store): every prompt is in the thread once, each process's prompts are in
    its order, each key's body ran exactly once, and the history is one chain.
    """
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "LOCUS_ALLOW_MODEL_REQUESTS": "0"}
    argv = [url, json.dumps(options or {}), thread_id]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _RACER,
            *argv,
            str(w),
            str(runs),
            str(keys),
            str(effects),
            env=env,
            stderr=subprocess.PIPE,
        )
        for w in range(workers)
    ]
    errors = [(await p.communicate())[1].decode(errors="replace")[-3000:] for p in procs]
    assert [p.returncode for p in procs] == [0] * workers, errors
    final = await checkpointer.load(thread_id)
    assert final is not None
    prompts = [str(m.content) for m in final.messages if m.role is Role.USER]
    expected = [f"prompt {w * 1000 + i}" for w in range(workers) for i in range(runs)]
    assert sorted(prompts) == sorted(expected)
    for w in range(workers):
        mine = [p for p in prompts if int(p.split()[1]) // 1000 == w]
        assert mine == [f"prompt {w * 1000 + i}" for i in range(runs)]
    fired = Counter((await asyncio.to_thread(effects.read_text)).split())
    assert fired == Counter({f"inc-{k}": 1 for k in range(min(keys, workers * runs))})
    await check_parent_chain(checkpointer, thread_id)


class PagerModel:
    """Offline model of the race: ``"prompt i"`` → call ``page(inc-<i % keys>)`` → ``"done i"``.

    Reads only the messages after the last user prompt (the offline models
    copy the whole history per call, which would dominate a 200-run race).
    """

    def __init__(self, keys: int) -> None:
        self.keys = keys

    async def complete(
        self, messages: list[Message], tools: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> ModelResponse:
        from locus.models import ModelResponse

        tail: list[Message] = []
        for message in reversed(messages):
            if message.role is Role.USER:
                break
            tail.append(message)
        number = int(str(message.content).split()[-1])
        if not any(m.role is Role.TOOL for m in tail):
            incident = f"inc-{number % self.keys}"
            call = ToolCall(id=f"call-{number}", name="page", arguments={"incident": incident})
            return ModelResponse(message=Message.assistant(None, tool_calls=[call]))
        return ModelResponse(message=Message.assistant(f"done {number}"))

    async def stream(
        self, messages: list[Message], tools: list[dict[str, Any]] | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        raise NotImplementedError("PagerModel answers with complete() only")
        yield  # pragma: no cover - makes this an async generator


class ConcurrencyConformance:
    """Compare-and-set, leases and racing runs; mixed into ``CheckpointerConformance``."""

    concurrent_runs: int = 200
    """How many agent runs the one-thread race starts at once."""

    @staticmethod
    def tid(name: str = "t") -> str:  # the suite's own tid() (same behaviour) wins in the MRO
        """A thread id unique to this test."""
        return f"{name}-{uuid.uuid4().hex[:10]}"

    # -- compare-and-set --------------------------------------------------------------

    async def test_compare_and_set_save(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        a = await checkpointer.save(AgentState(iteration=1), t, expect_parent=None)
        with pytest.raises(CheckpointConflictError) as info:
            await checkpointer.save(AgentState(iteration=9), t, expect_parent=None)
        assert info.value.kind == "checkpoint_conflict"
        assert info.value.thread_id == t
        assert info.value.expected_parent is None
        assert info.value.actual_parent == a
        b = await checkpointer.save(AgentState(iteration=2), t, expect_parent=a)
        with pytest.raises(CheckpointConflictError):
            await checkpointer.save(AgentState(iteration=9), t, expect_parent=a)  # stale
        hist = await checkpointer.history(t)
        assert [(h.checkpoint_id, h.parent_id) for h in hist] == [(b, a), (a, None)]
        latest = await checkpointer.load(t)
        assert latest is not None
        assert latest.iteration == 2  # the lost saves wrote nothing
        found = await checkpointer.load_with_id(t)
        assert found is not None
        assert found[1] == b
        with pytest.raises(ValidationError):
            await checkpointer.save(AgentState(), t, b, expect_parent=b)

    async def test_compare_and_set_race_has_one_winner(
        self, checkpointer: BaseCheckpointer
    ) -> None:
        t = self.tid()
        base = await checkpointer.save(AgentState(), t)
        outcomes = await asyncio.gather(
            *(
                checkpointer.save(AgentState(iteration=i), t, expect_parent=base)
                for i in range(self.concurrent_saves_cas)
            ),
            return_exceptions=True,
        )
        won = [o for o in outcomes if isinstance(o, str)]
        lost = [o for o in outcomes if isinstance(o, CheckpointConflictError)]
        assert len(won) == 1
        assert len(lost) == len(outcomes) - 1
        assert await check_parent_chain(checkpointer, t) == [won[0], base]

    concurrent_saves_cas: int = 20
    """How many compare-and-set saves race on one parent."""

    # -- leases --------------------------------------------------------------------------

    async def test_thread_lease(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()

        def lease(owner: str, ttl: float = 30.0) -> ThreadLease:
            return ThreadLease(t, owner, time.time() + ttl)

        assert await checkpointer._lease_acquire(lease("a")) is None
        held = await checkpointer._lease_acquire(lease("b"))
        assert held is not None
        assert held.owner == "a"
        assert await checkpointer._lease_acquire(lease("a")) is None  # the holder may renew so
        assert await checkpointer._lease_stop(t, "b", "interrupt") is False
        assert await checkpointer._lease_stop(t, "a", "interrupt") is True
        renewed = await checkpointer._lease_renew(t, "a", time.time() + 30)
        assert renewed is not None
        assert renewed.owner == "a"
        assert renewed.stop == "interrupt"
        assert await checkpointer._lease_renew(t, "b", time.time() + 30) is None
        await checkpointer._lease_release(t, "b")  # not the holder: no effect
        still = await checkpointer._lease_acquire(lease("b"))
        assert still is not None
        assert still.owner == "a"
        await checkpointer._lease_release(t, "a")
        assert await checkpointer._lease_acquire(lease("b")) is None
        await checkpointer._lease_release(t, "b")

    async def test_expired_lease_is_free(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        assert await checkpointer._lease_acquire(ThreadLease(t, "dead", time.time() - 1)) is None
        assert await checkpointer._lease_stop(t, "dead", "interrupt") is False
        assert await checkpointer._lease_acquire(ThreadLease(t, "next", time.time() + 30)) is None
        assert await checkpointer._lease_renew(t, "dead", time.time() + 30) is None
        await checkpointer._lease_release(t, "next")

    async def test_lease_race_has_one_winner(self, checkpointer: BaseCheckpointer) -> None:
        t = self.tid()
        outcomes = await asyncio.gather(
            *(
                checkpointer._lease_acquire(ThreadLease(t, f"o{i}", time.time() + 30))
                for i in range(20)
            )
        )
        winners = [i for i, held in enumerate(outcomes) if held is None]
        assert len(winners) == 1
        assert all(h is None or h.owner == f"o{winners[0]}" for h in outcomes)
        await checkpointer._lease_release(t, f"o{winners[0]}")

    # -- agent runs ---------------------------------------------------------------------

    race_options: dict[str, Any] = {}
    """Extra ``make_checkpointer`` options for the race (e.g. ``{"fsync": False}``)."""

    async def make_checkpointer(self, tmp_path: Path, **options: Any) -> BaseCheckpointer:
        raise NotImplementedError  # CheckpointerConformance documents and dispatches it

    async def close_checkpointer(self, checkpointer: BaseCheckpointer) -> None:
        await checkpointer.aclose()

    async def test_concurrent_runs_on_one_thread(self, tmp_path: Path) -> None:
        runs = self.concurrent_runs
        checkpointer = await self.make_checkpointer(tmp_path, **self.race_options)
        try:
            executions = await race_runs_on_one_thread(checkpointer, self.tid("race"), runs)
        finally:
            await self.close_checkpointer(checkpointer)
        keys = max(1, runs // 4)
        assert executions == Counter({f"inc-{k}": 1 for k in range(keys)})

    async def test_busy_thread_rejects(self, checkpointer: BaseCheckpointer) -> None:
        from locus.agent import Agent
        from locus.models import FunctionModel

        t = self.tid()
        entered, release = asyncio.Event(), asyncio.Event()

        async def slow(messages: list[Any], tools: Any) -> str:
            entered.set()
            await release.wait()
            return "ok"

        agent = Agent(model=FunctionModel(slow), checkpointer=checkpointer)
        first = asyncio.create_task(agent.invoke("one", thread_id=t))
        await entered.wait()
        with pytest.raises(ThreadBusyError) as info:
            await agent.invoke("two", thread_id=t, on_busy="reject")
        assert info.value.kind == "thread_busy"
        assert info.value.thread_id == t
        with pytest.raises(ThreadBusyError):
            await agent.invoke("three", thread_id=t, busy_timeout=0.05)
        release.set()
        assert (await first).message == "ok"
        assert (await agent.invoke("four", thread_id=t, on_busy="reject")).message == "ok"
        await check_parent_chain(checkpointer, t)
