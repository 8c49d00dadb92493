"""astream(stream_mode="events") includes the typed events of Agent nodes, tagged by node."""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

from locus import Agent, tool
from locus.core.events import (
    RunStartEvent,
    TerminateEvent,
    ThinkEvent,
    ToolCompleteEvent,
    ToolStartEvent,
)
from locus.core.messages import ToolCall
from locus.core.reducers import append_list
from locus.models import ScriptedModel
from locus.multiagent.graph import END, START, GraphEvent, StateGraph


@tool
def get_metric(name: str) -> float:
    """Return the current value of a named metric."""
    return 2400.0 if name == "p99" else 0.1


class S(TypedDict, total=False):
    input: str
    output: str
    log: Annotated[list[str], append_list]


def build() -> Any:
    model = ScriptedModel(
        [[ToolCall(name="get_metric", arguments={"name": "p99"})], "p99 is 2400ms."]
    )
    agent = Agent(model=model, tools=[get_metric])

    def prepare(state: S) -> dict[str, Any]:
        return {"log": ["prepared"]}

    def report(state: S) -> dict[str, Any]:
        return {"log": [f"report:{state['output']}"]}

    g = StateGraph(S)
    g.add_node(prepare).add_node("sre", agent).add_node(report)
    g.add_edge(START, "prepare").add_edge("prepare", "sre").add_edge("sre", "report")
    g.add_edge("report", END)
    return g.compile()


async def test_agent_events_appear_in_the_event_stream_tagged_with_the_node() -> None:
    events = [e async for e in build().astream({"input": "How is p99?"}, stream_mode="events")]
    assert all(isinstance(e, GraphEvent) for e in events)
    inner = [e for e in events if e.event is not None]
    assert {e.node for e in inner} == {"sre"}
    assert all(e.event_type == "multiagent.graph.node.event" for e in inner)
    assert all(e.data["node"] == "sre" for e in inner)
    kinds = [type(e.event) for e in inner]
    assert kinds[0] is RunStartEvent
    assert kinds[-1] is TerminateEvent
    order = [k for k in kinds if k in (ThinkEvent, ToolStartEvent, ToolCompleteEvent)]
    assert order == [ThinkEvent, ToolStartEvent, ToolCompleteEvent, ThinkEvent]
    tool_start = next(e.event for e in inner if isinstance(e.event, ToolStartEvent))
    assert tool_start.tool_name == "get_metric"
    terminate = inner[-1].event
    assert isinstance(terminate, TerminateEvent)
    assert terminate.final_message == "p99 is 2400ms."

    # the agent's events sit between the node's started and completed events
    types = [(e.event_type, e.data.get("node")) for e in events]
    start = types.index(("multiagent.graph.node.started", "sre"))
    done = types.index(("multiagent.graph.node.completed", "sre"))
    positions = [i for i, e in enumerate(events) if e.event is not None]
    assert start < positions[0]
    assert positions[-1] < done
    assert types.index(("multiagent.graph.node.completed", "prepare")) < start


async def test_other_stream_modes_and_invoke_are_unchanged() -> None:
    updates = [u async for u in build().astream({"input": "q"}, stream_mode="updates")]
    assert updates == [
        {"prepare": {"log": ["prepared"]}},
        {"sre": {"output": "p99 is 2400ms."}},
        {"report": {"log": ["report:p99 is 2400ms."]}},
    ]
    values = [v async for v in build().astream({"input": "q"}, stream_mode="values")]
    assert values[-1]["output"] == "p99 is 2400ms."
    out = await build().ainvoke({"input": "q"})
    assert out["log"] == ["prepared", "report:p99 is 2400ms."]
