"""visualize (declared/inferred conditional targets), StreamMode, emit_custom, root exports."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal, TypedDict

import pytest

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.reducers import append_list
from locus.core.send import Send
from locus.multiagent.graph import END, START, StateGraph, StreamMode, emit_custom
from locus.multiagent.visualize import draw_ascii, draw_mermaid

# -- visualize -----------------------------------------------------------------------


class S(TypedDict):
    n: int


def bump(state: S) -> dict[str, int]:
    return {"n": state["n"] + 1}


def three_nodes() -> StateGraph:
    g = StateGraph(S)
    g.add_node("a", bump).add_node("b", bump).add_node("c", bump)
    g.add_edge(START, "a").add_edge("b", END).add_edge("c", END)
    return g


def edges(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if "->" in line}


def test_a_path_map_draws_exactly_its_targets_including_end() -> None:
    g = three_nodes()
    g.add_conditional_edges("a", lambda s: "b", {"go": "b", "stop": END})
    drawn = edges(draw_mermaid(g))
    assert {"a -.-> b", "a -.-> __end__"} <= drawn
    assert "a -.-> c" not in drawn


def test_a_literal_return_annotation_gives_the_targets() -> None:
    def router(state: S) -> Literal["b", "__end__"]:
        return "b"

    g = three_nodes()
    g.add_conditional_edges("a", router)
    drawn = edges(draw_mermaid(g))
    assert {"a -.-> b", "a -.-> __end__"} <= drawn
    assert "a -.-> c" not in drawn  # the old bug: every node, never END


def test_list_and_optional_literals_are_understood() -> None:
    def fan(state: S) -> list[Literal["b", "c"]] | None:
        return ["b", "c"]

    g = three_nodes()
    g.add_conditional_edges("a", fan)
    drawn = edges(draw_mermaid(g))
    assert {"a -.-> b", "a -.-> c"} <= drawn
    assert "a -.-> __end__" not in drawn


def test_an_undeclared_router_may_go_anywhere_so_end_is_drawn_too() -> None:
    g = three_nodes()
    g.add_conditional_edges("a", lambda s: "b")
    drawn = edges(draw_mermaid(g))
    assert {"a -.-> b", "a -.-> c", "a -.-> __end__"} <= drawn
    assert "a -.-> a" not in drawn


def test_command_nodes_are_drawn_to_their_destinations() -> None:
    g = StateGraph(S)
    g.add_node("a", lambda s: Command(goto="b"), destinations=("b", END))
    g.add_node("b", bump)
    g.add_edge(START, "a").add_edge("b", END)
    drawn = edges(draw_mermaid(g, "LR"))
    assert {"a -.-> b", "a -.-> __end__"} <= drawn
    assert draw_mermaid(g, "LR").startswith("flowchart LR")


def test_ascii_lists_each_node_and_where_it_goes() -> None:
    g = three_nodes()
    g.add_conditional_edges("a", lambda s: "b", ["b", "c"])
    assert draw_ascii(g) == (
        "START\n  --> a\na\n  -.-> b\n  -.-> c\nb\n  --> END\nc\n  --> END\nEND\n"
    )


def test_patterns_draw_with_their_agents_and_bad_input_is_a_clear_error() -> None:
    from locus import create_handoff_agent, create_handoff_manager
    from locus.models import ScriptedModel
    from locus.multiagent.debate import Debate
    from locus.multiagent.orchestrator import Orchestrator
    from locus.multiagent.specialist import Specialist
    from locus.multiagent.swarm import Swarm, SwarmAgent

    boss = Orchestrator(specialists=[Specialist(name="logs"), Specialist(name="traces")])
    assert {"route -.-> logs", "route -.-> traces", "logs --> synthesize"} <= edges(
        draw_mermaid(boss)
    )
    assert "route\n  -.-> specialist" in draw_ascii(boss.compiled().get_graph())

    triage, billing = create_handoff_agent("triage"), create_handoff_agent("billing")
    triage.can_delegate_to = ["billing"]
    billing.can_escalate_to = ["triage"]
    drawn = edges(draw_mermaid(create_handoff_manager([triage, billing])))
    assert drawn == {
        "__start__ --> triage",
        "triage -.-> billing",
        "triage -.-> __end__",
        "billing -.-> triage",
        "billing -.-> __end__",
    }

    swarm = Swarm(agents=[SwarmAgent(name="a"), SwarmAgent(name="b")])
    assert "claim\n  -.-> a\n  -.-> b\n  -.-> finish" in draw_ascii(swarm)
    debate = Debate(
        debaters=[Specialist(name="pro"), Specialist(name="con")], judge=ScriptedModel([])
    )
    assert {"round -.-> pro", "con --> round", "round -.-> judge"} <= edges(draw_mermaid(debate))

    with pytest.raises(ValidationError, match="cannot draw"):
        draw_ascii(42)
    with pytest.raises(ValidationError, match="direction"):
        draw_mermaid(three_nodes(), "sideways")


# -- StreamMode / emit_custom ----------------------------------------------------------


class P(TypedDict, total=False):
    items: Annotated[list[int], append_list]


def progress_graph() -> Any:
    g = StateGraph(P)

    def work(state: P) -> dict[str, Any]:
        emit_custom({"progress": 0.5}, node_id="work")
        emit_custom({"progress": 1.0}, node_id="work")
        return {"items": [1]}

    g.add_node("work", work).add_edge(START, "work").add_edge("work", END)
    return g.compile()


async def test_custom_mode_yields_what_nodes_emit() -> None:
    app = progress_graph()
    got = [x async for x in app.astream({}, stream_mode=StreamMode.CUSTOM)]
    assert got == [{"progress": 0.5}, {"progress": 1.0}]
    assert [x async for x in app.astream({}, stream_mode="custom")] == got


async def test_emit_custom_reaches_the_bus_and_is_free_outside_a_stream() -> None:
    from locus.observability import get_event_bus, run_context

    app = progress_graph()
    assert (await app.ainvoke({}))["items"] == [1]  # nobody listens: no effect
    emit_custom("outside any graph")  # a no-op, not an error
    async with run_context() as rid:
        await app.ainvoke({})
    data = [
        e.data for e in get_event_bus().history(rid) if e.event_type == "multiagent.graph.custom"
    ]
    assert data == [
        {"node": "work", "data": {"progress": 0.5}},
        {"node": "work", "data": {"progress": 1.0}},
    ]


async def test_a_typed_event_from_a_node_is_streamed_as_itself_and_reaches_the_bus() -> None:
    from locus.core.events import HandoffEvent
    from locus.multiagent.graph import publish_typed_event
    from locus.observability import get_event_bus, run_context

    sent = HandoffEvent(source_agent_id="a", target_agent_id="b", reason="delegation")

    def node(state: S) -> dict[str, int]:
        publish_typed_event(sent)
        return {"n": state["n"] + 1}

    g = StateGraph(S)
    g.add_node("hand", node).add_edge(START, "hand").add_edge("hand", END)
    app = g.compile()
    streamed = [e async for e in app.astream({"n": 0}, stream_mode="events")]
    assert [e for e in streamed if isinstance(e, HandoffEvent)] == [sent]
    publish_typed_event(sent)  # outside any graph: a no-op, not an error
    async with run_context() as rid:
        assert (await app.ainvoke({"n": 0}))["n"] == 1
    on_bus = [e for e in get_event_bus().history(rid) if e.event_type == sent.event_type]
    assert len(on_bus) == 1
    assert on_bus[0].data["target_agent_id"] == "b"


async def test_nodes_and_debug_modes() -> None:
    app = progress_graph()
    nodes = [e.event_type async for e in app.astream({}, stream_mode=StreamMode.NODES)]
    assert nodes == [
        "multiagent.graph.node.started",
        "multiagent.graph.node.completed",
        "multiagent.graph.node.routed",
    ]
    debug = [e.event_type async for e in app.astream({}, stream_mode=StreamMode.DEBUG)]
    assert "multiagent.graph.custom" in debug
    assert set(nodes) <= set(debug)
    assert [m.value for m in StreamMode][:5] == ["values", "updates", "nodes", "custom", "debug"]


async def test_durable_tasks_checkpoint_each_finished_send_task() -> None:
    from locus.checkpoint.memory import MemoryCheckpointer

    cp = MemoryCheckpointer()
    seen: list[int] = []

    async def worker(payload: dict[str, int]) -> dict[str, Any]:
        if payload["i"] == 2:
            for _ in range(20):  # let the other two tasks of this step finish first
                await asyncio.sleep(0)
            state = await cp.load("t")
            seen.append(len(state.metadata["graph"]["completed"]) if state else -1)
        return {"items": [payload["i"]]}

    g = StateGraph(P)
    g.add_node("fan", lambda s: [Send("worker", {"i": i}) for i in range(3)])
    g.add_node("worker", worker)
    g.add_edge(START, "fan").add_edge("worker", END)
    out = await g.compile(cp, durable_tasks=True).ainvoke({}, thread_id="t")
    assert sorted(out["items"]) == [0, 1, 2]
    assert seen == [2]


# -- root exports ------------------------------------------------------------------------


def test_star_import_works_and_missing_distributions_say_what_to_install() -> None:
    import importlib.util

    import locus

    namespace: dict[str, Any] = {}
    exec("from locus import *", namespace)
    assert "create_handoff_agent" in namespace
    assert "HandoffReason" in namespace
    if importlib.util.find_spec("locus.deepagent") is None:
        assert "create_deepagent" not in locus.__all__
        with pytest.raises(
            ImportError,
            match=r"locus-deepagent.*pip install \./packages/locus-core \./packages/locus-deepagent",
        ):
            locus.create_deepagent  # noqa: B018
    else:
        assert "create_deepagent" in locus.__all__


# -- the docs page's examples run as plain scripts ------------------------------------------


def _page_blocks() -> list[str]:
    import re
    from pathlib import Path

    page = Path(__file__).resolve().parents[3] / "docs" / "patterns.md"
    fence = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
    return [m.group(1) for m in fence.finditer(page.read_text())]


@pytest.mark.parametrize("index", range(len(_page_blocks())))
def test_patterns_page_example_runs_as_a_plain_script(index: int) -> None:
    source = _page_blocks()[index]
    exec(compile(source, f"docs/patterns.md[{index}]", "exec"), {"__name__": "__main__"})
