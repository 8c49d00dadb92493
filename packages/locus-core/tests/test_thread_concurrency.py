"""A run owns its thread: on_busy options, compare-and-set, leases, graph resumes, processes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest

from locus.agent import Agent
from locus.checkpoint import ThreadLease
from locus.checkpoint.file import FileCheckpointer
from locus.checkpoint.memory import MemoryCheckpointer
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.command import Command
from locus.core.errors import (
    CheckpointConflictError,
    RunSupersededError,
    ThreadBusyError,
    ValidationError,
)
from locus.core.interrupt import GraphInterrupted, interrupt
from locus.core.messages import Role, ToolCall
from locus.core.reducers import append_list
from locus.core.state import AgentState
from locus.models import FunctionModel
from locus.multiagent.graph import END, START, StateGraph
from locus.testing._checkpoint_concurrency import check_parent_chain, race_processes
from locus.tools import tool


def _user_prompts(state: AgentState | None) -> list[str]:
    assert state is not None
    return [str(m.content) for m in state.messages if m.role is Role.USER]


class _Blocking:
    """An agent whose tool waits for ``release``; prompts starting with "quick" answer at once."""

    def __init__(self, checkpointer: Any) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.bodies = 0
        owner = self

        @tool
        async def work(job: str) -> str:
            """Do a long job.

            Args:
                job: The job.
            """
            owner.bodies += 1
            owner.entered.set()
            await owner.release.wait()
            return f"worked {job}"

        def model(messages: list[Any], tools: Any) -> Any:
            last = max(i for i, m in enumerate(messages) if m.role is Role.USER)
            prompt = str(messages[last].content)
            if prompt.startswith("quick") or any(m.role is Role.TOOL for m in messages[last:]):
                return f"answer to {prompt}"
            return [ToolCall(name="work", arguments={"job": prompt})]

        self.agent = Agent(model=FunctionModel(model), tools=[work], checkpointer=checkpointer)


@pytest.mark.parametrize("store", ["memory", "sqlite", "none"])
async def test_interrupt_stops_the_active_run_at_its_next_checkpoint_and_keeps_its_work(
    store: str, tmp_path: Path
) -> None:
    cp = {"memory": MemoryCheckpointer(), "sqlite": SQLiteCheckpointer(tmp_path / "t.db")}.get(
        store
    )
    b = _Blocking(cp)
    first = asyncio.create_task(b.agent.invoke("slow job", thread_id="t"))
    await b.entered.wait()
    second = asyncio.create_task(b.agent.invoke("quick one", thread_id="t", on_busy="interrupt"))
    await asyncio.sleep(0.05)
    assert not second.done()  # it waits for the active run to reach a checkpoint
    b.release.set()
    with pytest.raises(RunSupersededError) as info:
        await first
    assert info.value.mode == "interrupt"
    assert info.value.kind == "run_superseded"
    result = await second
    assert result.message == "answer to quick one"
    assert b.bodies == 1
    msgs = result.state.messages if result.state is not None else []
    # the interrupted run's prompt, tool call and tool result were kept; the new run followed
    assert [m.role for m in msgs] == [
        Role.USER,
        Role.ASSISTANT,
        Role.TOOL,
        Role.USER,
        Role.ASSISTANT,
    ]
    assert msgs[2].content == "worked slow job"
    if cp is not None:
        assert _user_prompts(await cp.load("t")) == ["slow job", "quick one"]
        await check_parent_chain(cp, "t")


@pytest.mark.parametrize("store", ["memory", "file", "none"])
async def test_rollback_stops_the_active_run_and_discards_its_work(
    store: str, tmp_path: Path
) -> None:
    cp = {"memory": MemoryCheckpointer(), "file": FileCheckpointer(tmp_path / "f")}.get(store)
    b = _Blocking(cp)
    await b.agent.invoke("quick start", thread_id="t")
    first = asyncio.create_task(b.agent.invoke("slow job", thread_id="t"))
    await b.entered.wait()
    second = asyncio.create_task(b.agent.invoke("quick next", thread_id="t", on_busy="rollback"))
    await asyncio.sleep(0.05)
    b.release.set()
    with pytest.raises(RunSupersededError) as info:
        await first
    assert info.value.mode == "rollback"
    result = await second
    assert result.state is not None
    assert _user_prompts(result.state) == ["quick start", "quick next"]
    if cp is not None:
        assert _user_prompts(await cp.load("t")) == ["quick start", "quick next"]
        await check_parent_chain(cp, "t")


async def test_enqueue_runs_in_arrival_order_and_times_out_with_a_typed_error() -> None:
    b = _Blocking(MemoryCheckpointer())
    first = asyncio.create_task(b.agent.invoke("slow job", thread_id="t"))
    await b.entered.wait()
    queued = [asyncio.create_task(b.agent.invoke(f"quick {i}", thread_id="t")) for i in range(3)]
    with pytest.raises(ThreadBusyError) as info:
        await b.agent.invoke("quick late", thread_id="t", busy_timeout=0.05)
    assert info.value.on_busy == "enqueue"
    assert info.value.waited >= 0.05
    assert "busy_timeout" in str(info.value)
    b.release.set()
    await first
    results = await asyncio.gather(*queued)
    assert [r.message for r in results] == [f"answer to quick {i}" for i in range(3)]
    state = await b.agent.checkpointer.load("t")
    assert _user_prompts(state) == ["slow job", "quick 0", "quick 1", "quick 2"]


async def test_bad_on_busy_options_are_rejected() -> None:
    agent = Agent(model="test")
    with pytest.raises(ValidationError, match="on_busy"):
        await agent.invoke("x", thread_id="t", on_busy="wait")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="busy_timeout"):
        await agent.invoke("x", thread_id="t", busy_timeout=-1)


async def test_a_writer_that_ignores_the_lease_cannot_fork_the_thread_nor_fire_the_body() -> None:
    cp = MemoryCheckpointer()
    fired: list[str] = []

    @tool(idempotent=True)
    def charge(order: str) -> str:
        """Charge an order.

        Args:
            order: Order id.
        """
        fired.append(order)
        return "charged"

    async def model(messages: list[Any], tools: Any) -> Any:
        # a misbehaving client appends to the thread without holding it
        await cp.save(AgentState(), "t", metadata={"rogue": True})
        return [ToolCall(name="charge", arguments={"order": "A1"})]

    agent = Agent(model=FunctionModel(model), tools=[charge], checkpointer=cp)
    with pytest.raises(CheckpointConflictError) as info:
        await agent.invoke("charge A1", thread_id="t")
    assert info.value.thread_id == "t"
    assert fired == []  # the intent could not be claimed, so the body never ran
    assert (await cp.history("t"))[0].metadata == {"rogue": True}
    await check_parent_chain(cp, "t")


async def test_an_expired_lease_frees_the_thread(tmp_path: Path) -> None:
    cp = SQLiteCheckpointer(tmp_path / "t.db")
    agent = Agent(model="test", checkpointer=cp)
    remote = f"elsewhere-{os.getpid()}:1:x"
    assert await cp._lease_acquire(ThreadLease("t", remote, time.time() + 0.3)) is None
    with pytest.raises(ThreadBusyError):
        await agent.invoke("hi", thread_id="t", on_busy="reject")
    result = await agent.invoke("hi", thread_id="t", busy_timeout=10)
    assert result.stop_reason
    await cp.aclose()


async def test_a_dead_local_owner_frees_the_thread_at_once(tmp_path: Path) -> None:
    cp = SQLiteCheckpointer(tmp_path / "t.db")
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "pass")
    await proc.wait()
    dead = f"{socket.gethostname()}:{proc.pid}:x"
    assert await cp._lease_acquire(ThreadLease("t", dead, time.time() + 3600)) is None
    result = await Agent(model="test", checkpointer=cp).invoke("hi", thread_id="t", busy_timeout=5)
    assert result.stop_reason
    await cp.aclose()


# -- graphs ---------------------------------------------------------------------------------


class G(TypedDict, total=False):
    log: Annotated[list[str], append_list]
    answer: str


async def test_two_concurrent_resumes_of_one_pause_one_wins(tmp_path: Path) -> None:
    ran: Counter[str] = Counter()
    gate = asyncio.Event()

    async def approve(state: G) -> dict[str, Any]:
        ran["approve"] += 1
        answer = interrupt("ship it?")
        ran["approve-answered"] += 1
        await gate.wait()
        return {"answer": answer}

    def after(state: G) -> dict[str, Any]:
        ran["after"] += 1
        return {"log": [f"after:{state['answer']}"]}

    g = StateGraph(G)
    g.add_node(approve).add_node(after)
    g.add_edge(START, "approve").add_edge("approve", "after").add_edge("after", END)
    app = g.compile(checkpointer=SQLiteCheckpointer(tmp_path / "g.db"))
    with pytest.raises(GraphInterrupted):
        await app.ainvoke({}, thread_id="g")
    one = asyncio.create_task(app.ainvoke(Command(resume="yes"), thread_id="g"))
    two = asyncio.create_task(app.ainvoke(Command(resume="no"), thread_id="g"))
    await asyncio.sleep(0.05)
    gate.set()
    outcomes = await asyncio.gather(one, two, return_exceptions=True)
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, CheckpointConflictError)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert ran == Counter({"approve": 2, "approve-answered": 1, "after": 1})
    assert winners[0]["log"] == [f"after:{winners[0]['answer']}"]
    # a late duplicate resume of the finished thread is a conflict too
    with pytest.raises(CheckpointConflictError):
        await app.ainvoke(Command(resume="again"), thread_id="g")
    with pytest.raises(ThreadBusyError):
        async with app.hold_thread(None, "g", None):
            await app.ainvoke({}, thread_id="g", on_busy="reject")


# -- processes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "file"])
async def test_two_processes_share_one_thread(backend: str, tmp_path: Path) -> None:
    url = {"sqlite": f"sqlite:///{tmp_path}/t.db", "file": f"file://{tmp_path}/f"}[backend]
    cp = (
        SQLiteCheckpointer(tmp_path / "t.db")
        if backend == "sqlite"
        else FileCheckpointer(tmp_path / "f")
    )
    await race_processes(cp, url, "shared", tmp_path / "effects.log", workers=2, runs=20)
    await cp.aclose()


SLOW_CHILD = """
import asyncio, sys, time
from locus.agent import Agent
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.errors import RunSupersededError
from locus.core.messages import Role, ToolCall
from locus.models import FunctionModel
from locus.tools import tool

db, entered = sys.argv[1], sys.argv[2]

@tool
async def step(n: int) -> str:
    \"\"\"One slow step.

    Args:
        n: Step number.
    \"\"\"
    open(entered, "a").close()
    await asyncio.sleep(1)
    return f"step {n} done"

def model(messages, tools):
    last = max(i for i, m in enumerate(messages) if m.role is Role.USER)
    done = sum(1 for m in messages[last:] if m.role is Role.TOOL)
    if done < 12:
        return [ToolCall(name="step", arguments={"n": done})]
    return "all steps done"

async def main():
    agent = Agent(model=FunctionModel(model), tools=[step], checkpointer=SQLiteCheckpointer(db))
    try:
        await agent.invoke("long job", thread_id="t")
    except RunSupersededError as exc:
        print("superseded", exc.mode)

asyncio.run(main())
"""


async def test_interrupt_reaches_a_run_in_another_process(tmp_path: Path) -> None:
    db, entered = tmp_path / "t.db", tmp_path / "entered"
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        SLOW_CHILD,
        str(db),
        str(entered),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "LOCUS_ALLOW_MODEL_REQUESTS": "0"},
    )
    while not await asyncio.to_thread(entered.exists):
        assert child.returncode is None
        await asyncio.sleep(0.05)
    cp = SQLiteCheckpointer(db)
    mine = Agent(model=FunctionModel(lambda messages, tools: "quick answer"), checkpointer=cp)
    # the request is stored on the child's lease; the child sees it at a heartbeat and
    # stops at its next checkpoint, long before its 12 steps are done
    result = await mine.invoke("quick", thread_id="t", on_busy="interrupt", busy_timeout=60)
    out, err = await child.communicate()
    assert child.returncode == 0, err
    assert out.decode().split() == ["superseded", "interrupt"]
    assert result.message == "quick answer"
    state = await cp.load("t")
    assert _user_prompts(state) == ["long job", "quick"]
    assert state is not None
    kept = [m for m in state.messages if m.role is Role.TOOL and "done" in str(m.content)]
    assert 1 <= len(kept) < 12  # the interrupted run's finished steps were kept
    await check_parent_chain(cp, "t")
    await cp.aclose()


async def test_leaving_does_not_hang_when_a_driver_swallows_the_heartbeats_cancel() -> None:
    from locus.checkpoint import ThreadRun

    class Swallowing(MemoryCheckpointer):
        async def _lease_renew(self, thread_id: str, owner: str, expires_at: float) -> Any:
            with contextlib.suppress(asyncio.CancelledError):  # as some pool waits do
                await asyncio.sleep(0.5)
            return await super()._lease_renew(thread_id, owner, expires_at)

    async def hold() -> None:
        async with ThreadRun(Swallowing(), "t", lease_ttl=0.3):  # renews every 0.1 s
            await asyncio.sleep(0.3)  # leaves while a renewal is in flight

    task = asyncio.create_task(hold())
    done, _ = await asyncio.wait({task}, timeout=10)
    assert task in done, "the run never let go of its thread"  # (the old code hung here)
    task.result()
