"""Orchestrator + Specialists: typed routing, parallel specialists, correlation, failures, surfaces."""

from __future__ import annotations

import asyncio
import json
from typing import Any, TypedDict

import pytest

from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.messages import ToolCall
from locus.models import ScriptedModel
from locus.multiagent.graph import END, START, StateGraph
from locus.multiagent.orchestrator import (
    Orchestrator,
    OrchestratorResult,
    RoutingDecision,
    create_orchestrator,
)
from locus.multiagent.specialist import (
    Playbook,
    PlaybookStep,
    Specialist,
    create_code_analyst,
    create_log_analyst,
    create_metrics_analyst,
    create_trace_analyst,
)
from locus.observability import get_event_bus, run_context


def route(*names: str, tasks: dict[str, str] | None = None) -> str:
    return json.dumps(
        {
            "decision_type": "delegate",
            "specialists": list(names),
            "reasoning": "relevant",
            "context": {"tasks": tasks or {}},
        }
    )


def specialist(name: str, answer: str, **kw: Any) -> Specialist:
    return Specialist(name=name, model=ScriptedModel([answer]), **kw)


def text_of(model: ScriptedModel, call: int) -> str:
    return "\n".join(m.content or "" for m in model.calls[call])


async def test_routes_runs_chosen_specialists_and_correlates_their_findings() -> None:
    logs = specialist("logs", "OOMKilled on api-3 at 09:02. Confidence: 0.9")
    metrics = specialist("metrics", "memory of API-3 at 98% since 08:55. Confidence: 0.8")
    code = specialist("code", "never consulted")
    model = ScriptedModel(
        [
            route("logs", "metrics", tasks={"logs": "grep api-3 logs"}),
            "api-3 ran out of memory.",
        ]
    )
    boss = Orchestrator(specialists=[logs, metrics, code], model=model)

    result = await boss.execute("Why did api-3 restart?")

    assert isinstance(result, OrchestratorResult)
    assert result.success
    assert result.summary == "api-3 ran out of memory."
    assert [r.specialist_id for r in result.specialist_results] == ["logs", "metrics"]
    assert result.specialist_results[0].confidence == 0.9
    assert result.decisions[0].specialists == ["logs", "metrics"]
    assert code.model.calls == []  # type: ignore[union-attr]
    # the specialist got its own sub-task from the RoutingDecision
    assert "grep api-3 logs" in text_of(logs.model, 0)  # type: ignore[arg-type]
    # the roster (names and types) went to the router; the findings went to the summary
    assert "- metrics (general)" in text_of(model, 0)
    synthesis = text_of(model, 1)
    assert "Confident findings" in synthesis
    # both answers name api-3: the correlation is in the prompt and in the result
    assert "- api-3: logs, metrics" in synthesis
    assert result.correlations == {"api-3": ["logs", "metrics"]}
    assert "OOMKilled on api-3" in synthesis
    assert "memory of API-3 at 98%" in synthesis


async def test_low_confidence_findings_are_weak_signals() -> None:
    logs = specialist("logs", "maybe a deploy. Confidence: 0.2")
    traces = specialist("traces", "db span is slow. Confidence: 0.95", confidence_threshold=0.9)
    model = ScriptedModel([route("logs", "traces"), "summary"])
    boss = Orchestrator(specialists=[logs, traces], model=model, correlation_threshold=0.5)
    await boss.execute("slow checkout")
    weak = text_of(model, 1).split("Weak signals (low confidence):")[1]
    assert "maybe a deploy" in weak
    assert "db span is slow" not in weak


async def test_unknown_names_in_the_decision_are_dropped_and_recorded() -> None:
    model = ScriptedModel([route("logs", "astrology"), "done"])
    boss = Orchestrator(specialists=[specialist("logs", "ok")], model=model)
    result = await boss.execute("task")
    decision = result.decisions[0]
    assert decision.specialists == ["logs"]
    assert decision.context["unknown"] == ["astrology"]


async def test_a_decision_naming_nobody_answers_without_specialists() -> None:
    model = ScriptedModel([route("astrology"), "I can answer that myself."])
    boss = Orchestrator(specialists=[specialist("logs", "unused")], model=model)
    result = await boss.execute("hello")
    assert result.decisions[0].decision_type == "respond"
    assert result.specialist_results == []
    assert result.summary == "I can answer that myself."


async def test_a_specialist_raising_is_reported_and_the_others_are_kept() -> None:
    broken = Specialist(name="metrics", model=ScriptedModel([RuntimeError("prometheus down")]))
    logs = specialist("logs", "errors from api-3. Confidence: 0.9")
    model = ScriptedModel([route("logs", "metrics"), "api-3 is failing; metrics unavailable."])
    boss = Orchestrator(specialists=[logs, broken], model=model)

    async with run_context() as rid:
        result = await boss.execute("incident")

    assert result.success
    assert result.error is None
    by_id = {r.specialist_id: r for r in result.specialist_results}
    assert by_id["logs"].success
    assert not by_id["metrics"].success
    assert "prometheus down" in (by_id["metrics"].error or "")
    assert "Specialists that failed" in text_of(model, 1)
    completed = [
        e.data
        for e in get_event_bus().history(rid)
        if e.event_type == "multiagent.specialist.completed"
    ]
    assert {d["specialist"]: d["error"] is None for d in completed} == {
        "logs": True,
        "metrics": False,
    }


async def test_every_specialist_failing_makes_the_result_unsuccessful() -> None:
    broken = Specialist(name="a", model=ScriptedModel([RuntimeError("down")]))
    result = await Orchestrator(specialists=[broken]).execute("task")
    assert not result.success
    assert result.error == "every consulted specialist failed"


async def test_max_parallel_specialists_bounds_how_many_run_at_once() -> None:
    running = 0
    peak = 0

    @tool
    async def probe() -> str:
        """Probe."""
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        for _ in range(5):
            await asyncio.sleep(0)
        running -= 1
        return "ok"

    team = [
        Specialist(
            name=f"s{i}",
            tools=[probe],
            model=ScriptedModel([ToolCall(name="probe", arguments={}), "done"]),
        )
        for i in range(5)
    ]
    result = await Orchestrator(specialists=team, max_parallel_specialists=2).execute("task")
    assert len(result.specialist_results) == 5
    assert peak == 2


async def test_without_a_model_every_specialist_is_consulted() -> None:
    boss = create_orchestrator(specialists=[specialist("a", "A"), specialist("b", "B")])
    result = await boss.execute("task")
    assert [r.specialist_id for r in result.specialist_results] == ["a", "b"]
    assert result.summary.splitlines() == ["- a (confidence 0.50): A", "- b (confidence 0.50): B"]


def test_specialist_names_must_be_unique() -> None:
    with pytest.raises(ValidationError, match="unique"):
        Orchestrator(specialists=[specialist("a", "x"), specialist("a", "y")])
    boss = Orchestrator(specialists=[specialist("a", "x")])
    with pytest.raises(ValidationError, match="unique"):
        boss.register_specialist(specialist("a", "y"))


async def test_orchestrator_events_in_order_on_the_bus_and_in_run() -> None:
    model = ScriptedModel([route("a"), "final"])
    boss = Orchestrator(name="desk", specialists=[specialist("a", "A")], model=model)
    async with run_context() as rid:
        await boss.execute("task")
    kinds = [
        e.event_type
        for e in get_event_bus().history(rid)
        if e.event_type.startswith(("multiagent.orchestrator", "multiagent.specialist"))
    ]
    assert kinds == [
        "multiagent.orchestrator.started",
        "multiagent.orchestrator.delegated",
        "multiagent.specialist.completed",
        "multiagent.orchestrator.completed",
    ]

    boss = Orchestrator(
        name="desk", specialists=[specialist("a", "A")], model=ScriptedModel([route("a"), "final"])
    )
    events = [e async for e in boss.run("task")]
    assert events[-1].event_type == "agent.terminate"
    assert events[-1].final_message == "final"  # type: ignore[attr-defined]
    assert "multiagent.orchestrator.delegated" in [e.event_type for e in events]


async def test_usable_as_a_tool_and_as_a_graph_node() -> None:
    def make() -> Orchestrator:
        return Orchestrator(name="Incident Desk", specialists=[specialist("a", "root cause: disk")])

    caller = Agent(
        model=ScriptedModel(
            [ToolCall(name="incident_desk", arguments={"prompt": "disk?"}), "It is the disk."]
        ),
        tools=[make().as_tool()],
    )
    result = await caller.invoke("what broke?")
    assert result.tool_executions[0].name == "incident_desk"
    assert "root cause: disk" in result.tool_executions[0].result

    class S(TypedDict):
        input: str
        output: str

    graph = StateGraph(S)
    graph.add_node("desk", make())
    graph.add_edge(START, "desk").add_edge("desk", END)
    out = await graph.compile().ainvoke({"input": "what broke?"})
    assert "root cause: disk" in out["output"]

    assert "root cause: disk" in make().run_sync("x").text
    assert isinstance(make().run_sync("x").structured_output, OrchestratorResult)


async def test_a_new_run_on_a_finished_thread_starts_afresh() -> None:
    a = Specialist(name="a", model=ScriptedModel(["first", "second"]))
    boss = Orchestrator(specialists=[a])
    first = await boss.execute("one", thread_id="t")
    second = await boss.execute("two", thread_id="t")
    assert [r.output for r in first.specialist_results] == ["first"]
    assert [r.output for r in second.specialist_results] == ["second"]


def test_playbook_matching_the_task_goes_into_the_prompt() -> None:
    model = ScriptedModel(["found. Confidence: 80%"])
    s = Specialist(
        name="db",
        model=model,
        playbooks=[
            Playbook(name="replication lag", description="replica behind primary"),
            Playbook(
                name="slow queries",
                description="slow database query latency",
                steps=[
                    PlaybookStep(instruction="EXPLAIN the slowest query", required_tools=["sql"])
                ],
                preconditions=["read access"],
                success_criteria=["a query is named"],
            ),
        ],
    )
    assert s.select_playbook("queries are slow").name == "slow queries"  # type: ignore[union-attr]
    assert s.select_playbook("unrelated words") is None
    result = s.execute_sync("why are queries slow")
    assert result.confidence == 0.8
    assert result.state["playbook"] == "slow queries"
    system = model.calls[0][0].content or ""
    assert "1. EXPLAIN the slowest query (tools: sql)" in system
    assert "Preconditions: read access" in system
    assert "Done when: a query is named" in system


def test_the_four_ready_made_analysts() -> None:
    made = [
        f()
        for f in (
            create_log_analyst,
            create_metrics_analyst,
            create_trace_analyst,
            create_code_analyst,
        )
    ]
    assert [s.specialist_type for s in made] == ["logs", "metrics", "traces", "code"]
    assert len({s.name for s in made}) == 4
    assert all(s.playbooks and s.playbooks[0].steps for s in made)


def test_routing_decision_is_typed() -> None:
    with pytest.raises(Exception, match="decision_type"):
        RoutingDecision.model_validate({"decision_type": "guess"})


def test_correlate_finds_identifiers_named_by_several_specialists() -> None:
    from locus.multiagent.orchestrator import correlate
    from locus.multiagent.specialist import SpecialistResult

    def r(name: str, text: str, error: str | None = None) -> SpecialistResult:
        return SpecialistResult(specialist_id=name, output=text, error=error)

    shared = correlate(
        [
            r("logs", "pool exhausted at 09:02 on api-3. Confidence: 0.9"),
            r("metrics", "connections at 50 since 09:02 on API-3. Confidence: 0.8"),
            r("deploys", "v2.14.0 set pool_size to 50. Confidence: 0.8"),
            r("traces", "api-3 everywhere", error="RuntimeError: down"),
        ]
    )
    assert shared == {
        "09:02": ["logs", "metrics"],
        "50": ["metrics", "deploys"],
        "api-3": ["logs", "metrics"],
    }
    assert correlate([r("a", "nothing in common"), r("b", "Confidence: 0.9")]) == {}
