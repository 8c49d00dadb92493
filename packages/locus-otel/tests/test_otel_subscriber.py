"""TelemetrySubscriber: graph, node and pattern-step spans from the EventBus."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from opentelemetry.trace import StatusCode

from locus.agent import Agent
from locus.agent.composition import ParallelPipeline, SequentialPipeline
from locus.core.command import Command
from locus.core.interrupt import interrupt
from locus.models import FunctionModel
from locus.multiagent.graph import END, START, StateGraph
from locus.observability import EventBus, run_context
from locus.otel import TelemetrySubscriber


class S(TypedDict, total=False):
    items: Annotated[list[str], operator.add]


def _graph(ask: bool = False) -> Any:
    g = StateGraph(S)
    g.add_node("plan", lambda s: {"items": ["plan"]})

    def act(s: S) -> dict[str, Any]:
        if ask:
            answer = interrupt("go?")
            return {"items": [f"act:{answer}"]}
        return {"items": ["act"]}

    g.add_node("act", act)
    g.add_edge(START, "plan").add_edge("plan", "act").add_edge("act", END)
    return g.compile(name="ops")


def echo(prefix: str) -> Agent:
    def reply(messages, tools):  # type: ignore[no-untyped-def]
        return f"{prefix}({messages[-1].content})"

    return Agent(model=FunctionModel(reply), name=prefix)


async def test_a_graph_run_is_a_workflow_span_with_node_children(telemetry: Any) -> None:
    bus = EventBus()
    subscriber = TelemetrySubscriber(tracer_provider=telemetry.tracer_provider, bus=bus)
    async with subscriber, run_context(bus=bus) as rid:
        await _graph().ainvoke({"items": []})
    workflow = telemetry.span("invoke_workflow ops")
    assert workflow.attributes["gen_ai.operation.name"] == "invoke_workflow"
    assert workflow.attributes["locus.graph.steps"] == 2
    assert workflow.attributes["locus.bus.run_id"] == rid
    plan, act = telemetry.span("node plan"), telemetry.span("node act")
    for node, step in ((plan, 0), (act, 1)):
        assert node.parent.span_id == workflow.context.span_id
        assert node.context.trace_id == workflow.context.trace_id
        assert node.attributes["locus.graph.step"] == step
        assert node.attributes["locus.graph.updates"] == ("items",)
        assert workflow.start_time <= node.start_time <= node.end_time <= workflow.end_time
    assert plan.end_time <= act.end_time


async def test_an_interrupted_graph_ends_its_span_and_the_resume_opens_one(
    telemetry: Any, tmp_path: Any
) -> None:
    from locus.checkpoint.memory import MemoryCheckpointer

    bus = EventBus()
    graph = _graph(ask=True)
    graph.checkpointer = MemoryCheckpointer()
    subscriber = TelemetrySubscriber(tracer_provider=telemetry.tracer_provider, bus=bus)
    async with subscriber, run_context(bus=bus):
        await graph.ainvoke({"items": []}, thread_id="g-1", raise_on_interrupt=False)
        await graph.ainvoke(Command(resume="yes"), thread_id="g-1")
    paused = telemetry.span("invoke_workflow ops")
    assert paused.attributes["locus.interrupted"] is True
    assert paused.attributes["locus.interrupt.node"] == "act"
    resumed = telemetry.span("invoke_workflow graph")
    assert resumed.attributes["locus.resumed"] is True
    assert resumed.attributes["locus.graph.steps"] == 2
    assert [s.name for s in telemetry.spans() if s.name.startswith("node")] == [
        "node plan",
        "node act",
    ]


async def test_pattern_steps_are_child_spans(telemetry: Any) -> None:
    bus = EventBus()
    sub = TelemetrySubscriber(tracer_provider=telemetry.tracer_provider, bus=bus)
    async with sub, run_context(bus=bus):
        await SequentialPipeline([echo("a"), echo("b")], name="draft").invoke("x")
        await ParallelPipeline([echo("c"), echo("d")], name="fan").invoke("y")
    assert sub.dropped == 0
    draft = telemetry.span("invoke_workflow draft")
    assert draft.attributes["locus.pattern"] == "sequential"
    steps = sorted(
        (s for s in telemetry.spans() if s.parent and s.parent.span_id == draft.context.span_id),
        key=lambda s: s.start_time,
    )
    assert [s.name for s in steps] == ["step 0 a", "step 1 b"]
    assert steps[0].end_time <= steps[1].start_time
    fan = telemetry.span("invoke_workflow fan")
    branches = [
        s for s in telemetry.spans() if s.parent and s.parent.span_id == fan.context.span_id
    ]
    assert sorted(s.name for s in branches) == ["branch 0 c", "branch 1 d"]
    assert all(b.start_time == fan.start_time for b in branches)
    assert all(b.status.status_code is not StatusCode.ERROR for b in branches)


def test_stop_ends_unfinished_spans(telemetry: Any) -> None:
    bus = EventBus()
    sub = TelemetrySubscriber(tracer_provider=telemetry.tracer_provider, bus=bus)
    sub.start()  # no running loop: events are taken on flush/stop
    with run_context(bus=bus):
        from locus.observability import emit

        emit("multiagent.graph.started", graph="g", thread_id=None, entry=["a"])
    sub.stop()
    span = telemetry.span("invoke_workflow g")
    assert span.attributes["locus.unfinished"] is True


async def test_an_orchestrator_is_a_workflow_with_specialist_spans(telemetry: Any) -> None:
    import json

    from locus.models import ScriptedModel
    from locus.multiagent.orchestrator import Orchestrator
    from locus.multiagent.specialist import Specialist

    decision = json.dumps(
        {
            "decision_type": "delegate",
            "specialists": ["logs", "metrics"],
            "reasoning": "both",
            "context": {"tasks": {}},
        }
    )
    boss = Orchestrator(
        specialists=[
            Specialist(name="logs", model=ScriptedModel(["OOMKilled. Confidence: 0.9"])),
            Specialist(name="metrics", model=ScriptedModel(["memory 98%. Confidence: 0.8"])),
        ],
        model=ScriptedModel([decision, "api-3 ran out of memory."]),
        name="incident",
    )
    bus = EventBus()
    subscriber = TelemetrySubscriber(tracer_provider=telemetry.tracer_provider, bus=bus)
    async with subscriber, run_context(bus=bus):
        await boss.execute("Why did api-3 restart?")
    (graph,) = [s for s in telemetry.spans() if "locus.graph.name" in s.attributes]
    (workflow,) = [s for s in telemetry.spans() if s.attributes.get("locus.pattern")]
    assert workflow.name == "invoke_workflow incident"
    assert workflow.attributes["locus.pattern"] == "orchestrator"
    assert workflow.parent.span_id == graph.context.span_id  # the pattern runs on a graph
    assert workflow.attributes["locus.delegations"] == 2
    children = {
        s.name
        for s in telemetry.spans()
        if s.parent and s.parent.span_id == workflow.context.span_id
    }
    assert {
        "specialist logs",
        "specialist metrics",
        "delegated logs",
        "delegated metrics",
    } <= children


async def test_handoff_steps_are_named_after_the_receiving_agent(telemetry: Any) -> None:
    from locus import create_handoff_agent, create_handoff_manager
    from locus.core.messages import ToolCall
    from locus.models import ScriptedModel

    triage = create_handoff_agent(
        "triage",
        model=ScriptedModel(
            [ToolCall(name="transfer_to_billing", arguments={"summary": "charged twice"})]
        ),
        can_delegate_to=["billing"],
    )
    billing = create_handoff_agent("billing", model=ScriptedModel(["Refunded."]))
    bus = EventBus()
    subscriber = TelemetrySubscriber(tracer_provider=telemetry.tracer_provider, bus=bus)
    async with subscriber, run_context(bus=bus):
        result = await create_handoff_manager([triage, billing]).execute("charged twice")
    assert result.text == "Refunded."
    assert subscriber.dropped == 0
    names = [s.name for s in telemetry.spans()]
    assert any(name.startswith("requested") and name.endswith("billing") for name in names), names
