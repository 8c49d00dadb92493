"""interrupt() in graph nodes: pause, checkpoint, resume (also in a new process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.interrupt import (
    AutoApproveHandler,
    GraphInterrupted,
    InterruptException,
    InterruptHandler,
    InterruptValue,
    interrupt,
)
from locus.core.reducers import append_list
from locus.multiagent.graph import END, START, StateGraph


class S(TypedDict, total=False):
    log: Annotated[list[str], append_list]
    answer: str


def build(ran: list[str]) -> StateGraph:
    g = StateGraph(S)

    def prepare(state: S) -> dict[str, Any]:
        ran.append("prepare")
        return {"log": ["prepared"]}

    def side(state: S) -> dict[str, Any]:
        ran.append("side")
        return {"log": ["side"]}

    def approve(state: S) -> dict[str, Any]:
        ran.append("approve")
        answer = interrupt({"question": "ship it?"})
        return {"answer": answer, "log": [f"approved:{answer}"]}

    g.add_node(prepare).add_node(side).add_node(approve)
    g.add_edge(START, "prepare").add_edge("prepare", "approve").add_edge("prepare", "side")
    g.add_edge("approve", END)
    return g


async def test_interrupt_pauses_and_resume_continues_without_rerunning() -> None:
    ran: list[str] = []
    app = build(ran).compile()
    with pytest.raises(GraphInterrupted) as info:
        await app.ainvoke({}, thread_id="t1")
    exc = info.value
    assert exc.thread_id == "t1"
    assert exc.interrupt.payload == {"question": "ship it?"}
    assert exc.interrupt.node_id == "approve"
    assert exc.interrupt_state.node_id == "approve"
    assert "side" in exc.interrupt_state.partial_results
    snapshot = await app.get_state("t1")
    assert snapshot is not None
    assert snapshot.status == "interrupted"
    assert set(snapshot.next) == {"approve", "side"}
    ran.clear()
    out = await app.ainvoke(Command(resume="yes"), thread_id="t1")
    assert out["answer"] == "yes"
    assert out["log"] == ["prepared", "approved:yes", "side"]
    assert ran == ["approve"]  # prepare and side are not re-run


async def test_raise_on_interrupt_false_returns_interrupts() -> None:
    app = build([]).compile()
    result = await app.ainvoke({}, raise_on_interrupt=False)
    assert result.interrupted
    assert result.thread_id  # generated so the run can be resumed
    assert isinstance(result.interrupts[0], InterruptValue)
    out = await app.ainvoke(Command(resume="ok"), thread_id=result.thread_id)
    assert out["answer"] == "ok"


async def test_multiple_interrupts_in_one_node_resume_in_order() -> None:
    calls: list[Any] = []

    def ask(state: S) -> dict[str, Any]:
        first = interrupt("first?")
        second = interrupt("second?")
        calls.append((first, second))
        return {"answer": f"{first}+{second}"}

    g = StateGraph(S)
    g.add_node(ask).add_edge(START, "ask")
    app = g.compile()
    with pytest.raises(GraphInterrupted) as one:
        await app.ainvoke({}, thread_id="m")
    assert one.value.interrupt.payload == "first?"
    with pytest.raises(GraphInterrupted) as two:
        await app.ainvoke(Command(resume="A"), thread_id="m")
    assert two.value.interrupt.payload == "second?"
    assert two.value.interrupt.index == 1
    out = await app.ainvoke(Command(resume="B"), thread_id="m")
    assert out["answer"] == "A+B"
    assert calls == [("A", "B")]


async def test_handlers_answer_interrupts() -> None:
    app = build([]).compile(interrupt_handler=AutoApproveHandler("auto"))
    assert (await app.ainvoke({}))["answer"] == "auto"

    class Picky(InterruptHandler):
        async def handle(self, interrupt: InterruptValue) -> Any:
            return "picked"

        async def can_handle(self, interrupt: InterruptValue) -> bool:
            return False

    with pytest.raises(GraphInterrupted):
        await build([]).compile().ainvoke({}, interrupt_handler=Picky())
    out = await build([]).compile().ainvoke({}, interrupt_handler=AutoApproveHandler())
    assert out["answer"] == "approved"


async def test_resume_without_paused_run_is_an_error() -> None:
    app = build([]).compile()
    with pytest.raises(ValidationError, match="no paused run"):
        await app.ainvoke(Command(resume="x"), thread_id="never")


def test_interrupt_outside_graph_raises_interrupt_exception() -> None:
    with pytest.raises(InterruptException) as info:
        interrupt("hello", urgency="high")
    assert info.value.value.payload == "hello"
    assert info.value.value.metadata == {"urgency": "high"}
    assert info.value.value.to_display()["payload"] == "hello"


def test_sqlite_checkpointer_resume_in_new_process(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    script = textwrap.dedent(
        f"""
        import asyncio, sys
        from typing import Annotated, TypedDict
        from locus.checkpoint.sqlite import SQLiteCheckpointer
        from locus.core.command import Command
        from locus.core.interrupt import GraphInterrupted, interrupt
        from locus.core.reducers import append_list
        from locus.multiagent.graph import START, END, StateGraph

        class S(TypedDict, total=False):
            log: Annotated[list[str], append_list]
            answer: str

        def prepare(state):
            with open({str(tmp_path / "ran.txt")!r}, "a") as f:
                f.write("prepare\\n")
            return {{"log": ["prepared"]}}

        def approve(state):
            answer = interrupt("ok?")
            return {{"answer": answer, "log": ["approved"]}}

        g = StateGraph(S)
        g.add_node(prepare).add_node(approve)
        g.add_edge(START, "prepare").add_edge("prepare", "approve").add_edge("approve", END)
        app = g.compile(checkpointer=SQLiteCheckpointer({str(db)!r}))

        async def main():
            if sys.argv[1] == "start":
                try:
                    await app.ainvoke({{}}, thread_id="durable")
                except GraphInterrupted as exc:
                    print("PAUSED", exc.interrupt.payload)
            else:
                out = await app.ainvoke(Command(resume="yes"), thread_id="durable")
                print("DONE", out["answer"], ",".join(out["log"]))

        asyncio.run(main())
        """
    )
    path = tmp_path / "job.py"
    path.write_text(script)
    first = subprocess.run(
        [sys.executable, str(path), "start"], capture_output=True, text=True, check=True
    )
    assert first.stdout.strip() == "PAUSED ok?"
    second = subprocess.run(
        [sys.executable, str(path), "resume"], capture_output=True, text=True, check=True
    )
    assert second.stdout.strip() == "DONE yes prepared,approved"
    assert (tmp_path / "ran.txt").read_text() == "prepare\n"
