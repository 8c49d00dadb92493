"""interrupt() inside a compiled subgraph node pauses and resumes the parent graph."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Annotated, Any, TypedDict

import pytest

from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.command import Command
from locus.core.interrupt import AutoApproveHandler, GraphInterrupted, interrupt
from locus.core.reducers import append_list
from locus.multiagent.graph import END, START, StateGraph


class S(TypedDict, total=False):
    log: Annotated[list[str], append_list]
    answer: str


def build(ran: list[str], *, questions: int = 1) -> Any:
    sub = StateGraph(S)

    def inner_a(state: S) -> dict[str, Any]:
        ran.append("inner_a")
        return {"log": ["a"]}

    def inner_ask(state: S) -> dict[str, Any]:
        ran.append("inner_ask")
        answers = [interrupt({"q": f"question {i}"}) for i in range(questions)]
        return {"answer": "+".join(answers), "log": ["asked"]}

    def inner_b(state: S) -> dict[str, Any]:
        ran.append("inner_b")
        return {"log": ["b"]}

    sub.add_node(inner_a).add_node(inner_ask).add_node(inner_b)
    sub.add_edge(START, "inner_a").add_edge("inner_a", "inner_ask")
    sub.add_edge("inner_ask", "inner_b").add_edge("inner_b", END)

    parent = StateGraph(S)

    def first(state: S) -> dict[str, Any]:
        ran.append("first")
        return {"log": ["first"]}

    def last(state: S) -> dict[str, Any]:
        ran.append("last")
        return {"log": [f"last:{state['answer']}"]}

    parent.add_node(first).add_node("review", sub.compile(name="review_flow")).add_node(last)
    parent.add_edge(START, "first").add_edge("first", "review")
    parent.add_edge("review", "last").add_edge("last", END)
    return parent


async def test_interrupt_in_subgraph_pauses_the_parent_with_the_payload() -> None:
    ran: list[str] = []
    app = build(ran).compile(checkpointer=MemoryCheckpointer())
    with pytest.raises(GraphInterrupted) as info:
        await app.ainvoke({}, thread_id="t1")
    exc = info.value
    assert exc.interrupt.payload == {"q": "question 0"}
    assert exc.interrupt.node_id == "inner_ask"
    assert exc.interrupt.namespace == ["review"]
    assert exc.thread_id == "t1"
    snapshot = await app.get_state("t1")
    assert snapshot is not None
    assert snapshot.next == ("review",)
    assert snapshot.status == "interrupted"
    assert ran == ["first", "inner_a", "inner_ask"]

    out = await app.ainvoke(Command(resume="yes"), thread_id="t1")
    # neither 'first' nor 'inner_a' runs again; inner_ask resumes, then the rest
    assert ran == ["first", "inner_a", "inner_ask", "inner_ask", "inner_b", "last"]
    assert out["answer"] == "yes"
    assert out["log"] == ["first", "a", "asked", "b", "last:yes"]
    assert not out.interrupts


async def test_raise_on_interrupt_false_returns_interrupts() -> None:
    ran: list[str] = []
    app = build(ran).compile()
    result = await app.ainvoke({}, thread_id="t2", raise_on_interrupt=False)
    assert [i.payload for i in result.interrupts] == [{"q": "question 0"}]
    assert result["log"] == ["first"]
    out = await app.ainvoke(Command(resume="ok"), thread_id="t2", raise_on_interrupt=False)
    assert out["log"] == ["first", "a", "asked", "b", "last:ok"]


async def test_several_interrupts_in_a_subgraph_node_resume_in_order() -> None:
    ran: list[str] = []
    app = build(ran, questions=2).compile()
    first = await app.ainvoke({}, thread_id="t3", raise_on_interrupt=False)
    assert first.interrupts[0].payload == {"q": "question 0"}
    second = await app.ainvoke(Command(resume="x"), thread_id="t3", raise_on_interrupt=False)
    assert second.interrupts[0].payload == {"q": "question 1"}
    out = await app.ainvoke(Command(resume="y"), thread_id="t3")
    assert out["answer"] == "x+y"
    assert ran.count("inner_a") == 1
    assert ran.count("first") == 1


async def test_resume_by_interrupt_id() -> None:
    app = build([]).compile()
    paused = await app.ainvoke({}, thread_id="t4", raise_on_interrupt=False)
    iid = paused.interrupts[0].interrupt_id
    out = await app.ainvoke(Command(resume={iid: "by-id"}), thread_id="t4")
    assert out["answer"] == "by-id"


async def test_nested_subgraph_two_levels_deep() -> None:
    ran: list[str] = []
    middle = StateGraph(S)
    middle.add_node("inner", build(ran).compile())
    middle.add_edge(START, "inner").add_edge("inner", END)
    top = StateGraph(S)
    top.add_node("outer", middle.compile())
    top.add_edge(START, "outer").add_edge("outer", END)
    app = top.compile()
    with pytest.raises(GraphInterrupted) as info:
        await app.ainvoke({}, thread_id="deep")
    assert info.value.interrupt.namespace == ["outer", "inner", "review"]
    out = await app.ainvoke(Command(resume="deep-yes"), thread_id="deep")
    assert out["answer"] == "deep-yes"
    assert ran == ["first", "inner_a", "inner_ask", "inner_ask", "inner_b", "last"]


async def test_parent_interrupt_handler_answers_subgraph_interrupts() -> None:
    app = build([]).compile(interrupt_handler=AutoApproveHandler("auto"))
    out = await app.ainvoke({})
    assert out["answer"] == "auto"
    assert out["log"][-1] == "last:auto"


def test_subgraph_interrupt_survives_a_new_process(tmp_path: Path) -> None:
    db = tmp_path / "graph.db"
    ran = tmp_path / "ran.txt"
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

        def mark(name):
            with open({str(ran)!r}, "a") as f:
                f.write(name + "\\n")

        def prepare(state):
            mark("prepare")
            return {{"log": ["prepared"]}}

        def draft(state):
            mark("draft")
            return {{"log": ["drafted"]}}

        def approve(state):
            mark("approve")
            return {{"answer": interrupt("ok?"), "log": ["approved"]}}

        sub = StateGraph(S)
        sub.add_node(draft).add_node(approve)
        sub.add_edge(START, "draft").add_edge("draft", "approve").add_edge("approve", END)
        g = StateGraph(S)
        g.add_node(prepare).add_node("review", sub.compile())
        g.add_edge(START, "prepare").add_edge("prepare", "review").add_edge("review", END)
        app = g.compile(checkpointer=SQLiteCheckpointer({str(db)!r}))

        async def main():
            if sys.argv[1] == "start":
                try:
                    await app.ainvoke({{}}, thread_id="durable")
                except GraphInterrupted as exc:
                    print("PAUSED", exc.interrupt.payload, exc.interrupt.namespace)
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
    assert first.stdout.strip() == "PAUSED ok? ['review']"
    second = subprocess.run(
        [sys.executable, str(path), "resume"], capture_output=True, text=True, check=True
    )
    assert second.stdout.strip() == "DONE yes prepared,drafted,approved"
    assert ran.read_text().split() == ["prepare", "draft", "approve", "approve"]
