"""Failed graph runs end "failed" with the error recorded, naming the node (issue #10)."""

from typing import TypedDict

import pytest

from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ValidationError
from locus.multiagent.graph import START, GraphConfig, StateGraph


class S(TypedDict, total=False):
    n: int


def boom(state: S) -> S:
    raise KeyError("missing-thing")


async def test_node_exception_names_the_node_and_the_thread_ends_failed() -> None:
    cp = MemoryCheckpointer()
    g = StateGraph(S)
    g.add_node("ok", lambda s: {"n": 1}).add_node("explode", boom)
    g.add_edge(START, "ok").add_edge("ok", "explode")
    graph = g.compile(checkpointer=cp)
    with pytest.raises(KeyError) as info:
        await graph.ainvoke({}, thread_id="g1")
    assert info.value.locus_node == "explode"  # type: ignore[attr-defined]
    assert "raised by graph node 'explode'" in "".join(info.value.__notes__)
    saved = await cp.load("g1")
    assert saved is not None
    assert saved.status == "failed"
    assert saved.metadata["error"] == {
        "kind": "KeyError",
        "message": "'missing-thing'",
        "node": "explode",
    }


async def test_recursion_limit_exceeded_is_recorded_as_failed() -> None:
    from locus.multiagent.graph import GraphRecursionError

    cp = MemoryCheckpointer()
    g = StateGraph(S)
    g.add_node("loop", lambda s: {"n": s.get("n", 0) + 1})
    g.add_edge(START, "loop").add_edge("loop", "loop")
    with pytest.raises(GraphRecursionError):
        await g.compile(checkpointer=cp).ainvoke({}, thread_id="g2", config={"recursion_limit": 3})
    saved = await cp.load("g2")
    assert saved is not None
    assert saved.status == "failed"
    assert saved.metadata["error"]["kind"] == "graph_recursion"


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "3"])
async def test_non_positive_recursion_limit_is_rejected(bad: object) -> None:
    g = StateGraph(S)
    g.add_node("a", lambda s: {"n": 1}).add_edge(START, "a")
    with pytest.raises(ValidationError, match="recursion_limit must be an int >= 1"):
        GraphConfig(recursion_limit=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="recursion_limit must be an int >= 1"):
        await g.compile().ainvoke({}, config={"recursion_limit": bad})
    with pytest.raises(ValidationError, match="recursion_limit must be an int >= 1"):
        g.compile(recursion_limit=bad)  # type: ignore[arg-type]
