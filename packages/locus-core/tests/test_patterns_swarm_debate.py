"""Swarm (claims, tags, priorities, sub-tasks, timeouts) and Debate (rounds, typed verdict)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest
from pydantic import BaseModel

from locus import Agent, tool
from locus.core.errors import StructuredOutputError, ValidationError
from locus.core.messages import ToolCall
from locus.models import FunctionModel, ScriptedModel
from locus.multiagent.debate import Debate, DebateResult, Verdict
from locus.multiagent.swarm import (
    SharedContext,
    Swarm,
    SwarmAgent,
    TaskStatus,
    create_swarm,
    create_swarm_agent,
)
from locus.observability import get_event_bus, run_context

# -- swarm -------------------------------------------------------------------------


def echo_model(prefix: str) -> FunctionModel:
    def answer(messages: list[Any], tools: Any) -> str:
        task = (messages[-1].content or "").split("\n")[0]
        return f"{prefix}: {task}"

    return FunctionModel(answer)


async def test_tasks_go_to_agents_with_the_tags_by_priority_and_none_is_claimed_twice() -> None:
    web = create_swarm_agent("web", ["search"], model=echo_model("web"))
    coder = create_swarm_agent("coder", ["code", "python"], model=echo_model("coder"))
    swarm = create_swarm(agents=[web, coder])
    swarm.max_parallel_agents = 1  # one task per round: the order shows the priorities
    swarm.add_task("low", priority=1, required_tags=["search"])
    swarm.add_task("high", priority=9, required_tags=["code"])
    swarm.add_task("mid", priority=5, required_tags=["search"])

    async with run_context() as rid:
        result = await swarm.execute()

    assert result.success
    by_desc = {t.description: t for t in result.completed_tasks}
    assert by_desc["high"].claimed_by == "coder"
    assert by_desc["high"].result == "coder: Task: high"
    assert by_desc["low"].claimed_by == "web"
    assert by_desc["mid"].claimed_by == "web"
    turns = [
        e.data for e in get_event_bus().history(rid) if e.event_type == "multiagent.swarm.turn"
    ]
    assert [t["task_id"] for t in turns] == [by_desc[d].id for d in ("high", "mid", "low")]
    assert Counter(t["task_id"] for t in turns).most_common(1)[0][1] == 1
    claims = [line for line in result.context.discovery_log if " claimed " in line]
    assert len(claims) == 3
    assert len(set(claims)) == 3
    kinds = [
        e.event_type
        for e in get_event_bus().history(rid)
        if e.event_type.startswith("multiagent.swarm")
    ]
    assert kinds[0] == "multiagent.swarm.started"
    assert kinds[-1] == "multiagent.swarm.completed"


async def test_preferred_tags_pick_the_better_fit() -> None:
    general = SwarmAgent(name="general", capabilities=["x"], model=echo_model("general"))
    expert = SwarmAgent(name="expert", capabilities=["x", "k8s"], model=echo_model("expert"))
    swarm = Swarm(agents=[general, expert])
    swarm.add_task("pods crash", required_tags=["x"], preferred_tags=["k8s"])
    result = await swarm.execute()
    assert result.completed_tasks[0].claimed_by == "expert"


async def test_agents_share_findings_blackboard_and_add_sub_tasks() -> None:
    script = ScriptedModel(
        [
            [
                ToolCall(
                    name="add_finding", arguments={"finding": "moon pulls water", "confidence": 0.9}
                ),
                ToolCall(name="post_to_blackboard", arguments={"key": "cause", "value": "gravity"}),
                ToolCall(
                    name="add_subtask",
                    arguments={"description": "check the sun", "required_tags": ["sky"]},
                ),
            ],
            "tides explained",
            "sun helps too",
        ]
    )
    agent = SwarmAgent(name="astro", capabilities=["sky"], model=script)
    result = await Swarm(agents=[agent]).execute("Why tides?")
    sub = next(t for t in result.completed_tasks if t.description == "check the sun")
    root = next(t for t in result.completed_tasks if t.description == "Why tides?")
    assert agent.current_task is None
    assert agent.tasks_completed == 2
    assert sub.parent_task_id == root.id
    assert sub.result == "sun helps too"
    assert result.context.findings[0]["finding"] == "moon pulls water"
    assert result.context.blackboard == {"cause": "gravity"}
    # the second task's prompt carried the shared context
    assert "moon pulls water" in (script.calls[2][-1].content or "")
    assert "cause: gravity" in (script.calls[2][-1].content or "")


async def test_a_task_that_times_out_fails_and_the_rest_complete() -> None:
    @tool
    async def hang() -> str:
        """Never returns in time."""
        await asyncio.Event().wait()
        return "never"

    slow = SwarmAgent(
        name="slow",
        capabilities=["slow"],
        tools=[hang],
        model=ScriptedModel([ToolCall(name="hang", arguments={})]),
    )
    fast = SwarmAgent(name="fast", capabilities=["fast"], model=ScriptedModel(["quick"]))
    swarm = Swarm(agents=[slow, fast], task_timeout_ms=50)
    swarm.add_task("stuck", required_tags=["slow"])
    swarm.add_task("easy", required_tags=["fast"])
    result = await swarm.execute()
    assert not result.success
    assert [t.description for t in result.completed_tasks] == ["easy"]
    failed = result.failed_tasks[0]
    assert failed.status is TaskStatus.FAILED
    assert failed.error == "timed out after 50 ms"


async def test_an_agent_raising_fails_its_task_only() -> None:
    broken = SwarmAgent(name="b", capabilities=["b"], model=ScriptedModel([RuntimeError("boom")]))
    ok = SwarmAgent(name="o", capabilities=["o"], model=ScriptedModel(["fine"]))
    swarm = Swarm(agents=[broken, ok])
    swarm.add_task("t1", required_tags=["b"])
    swarm.add_task("t2", required_tags=["o"])
    result = await swarm.execute()
    assert "boom" in (result.failed_tasks[0].error or "")
    assert result.completed_tasks[0].result == "fine"


async def test_tasks_nobody_can_take_fail_and_rounds_are_bounded() -> None:
    a = SwarmAgent(name="a", capabilities=["a"], model=ScriptedModel(["1", "2", "3"]))
    swarm = Swarm(agents=[a], max_iterations=2, max_parallel_agents=1)
    swarm.add_task("alien", required_tags=["zz"])
    for i in range(3):
        swarm.add_task(f"t{i}", required_tags=["a"])
    result = await swarm.execute()
    alien = next(t for t in result.failed_tasks if t.description == "alien")
    assert "no agent has the required tags" in (alien.error or "")
    assert len(result.completed_tasks) == 2  # two rounds, one task each
    assert any(t.status is TaskStatus.PENDING for t in result.failed_tasks)


def test_swarm_needs_a_task_and_unique_agents() -> None:
    with pytest.raises(ValidationError, match="no task"):
        Swarm(agents=[create_swarm_agent("a")]).execute_sync()
    with pytest.raises(ValidationError, match="already registered"):
        Swarm(agents=[create_swarm_agent("a")]).add_agent(create_swarm_agent("a"))


def test_shared_context_helpers() -> None:
    ctx = SharedContext()
    ctx.add_finding("a", "x", confidence=0.7)
    ctx.post_to_blackboard("k", "v", agent="a")
    ctx.record_task_result("t1", "done")
    summary = ctx.get_summary()
    assert "[a] x" in summary
    assert "k: v" in summary
    assert ctx.task_results == {"t1": "done"}
    assert ctx.discovery_log == ["a posted 'k'"]


# -- debate -------------------------------------------------------------------------


def debater(name: str, *answers: str) -> Agent:
    return Agent(model=ScriptedModel(list(answers)), name=name)


async def test_two_rounds_then_a_typed_verdict() -> None:
    pro = debater("pro", "P1", "P2")
    con = debater("con", "C1", "C2")
    judge_model = ScriptedModel(
        ['{"winner": "con", "reasoning": "cheaper", "answer": "SQLite", "confidence": 0.6}']
    )
    debate = Debate(
        debaters=[pro, con], judge=Agent(model=judge_model, system_prompt="Be fair."), rounds=2
    )

    async with run_context() as rid:
        result = await debate.execute("Which DB?")

    assert isinstance(result, DebateResult)
    assert [(a.round, a.debater, a.text) for a in result.transcript] == [
        (1, "pro", "P1"),
        (1, "con", "C1"),
        (2, "pro", "P2"),
        (2, "con", "C2"),
    ]
    assert result.verdict == Verdict(
        winner="con", reasoning="cheaper", answer="SQLite", confidence=0.6
    )
    assert result.summary == "SQLite"
    # round two saw round one; the judge saw everything, with its own system prompt
    assert "[con, round 1] C1" in (pro.model.calls[1][-1].content or "")  # type: ignore[attr-defined]
    assert judge_model.calls[0][0].content == "Be fair."
    judged = judge_model.calls[0][-1].content or ""
    assert all(x in judged for x in ("P1", "C1", "P2", "C2"))
    kinds = [
        e.event_type
        for e in get_event_bus().history(rid)
        if e.event_type.startswith("multiagent.debate")
    ]
    assert kinds.count("multiagent.debate.argued") == 4
    assert kinds[-1] == "multiagent.debate.verdict"


async def test_a_custom_verdict_type_and_an_invalid_verdict() -> None:
    class Score(BaseModel):
        winner: str
        margin: int

    judge = ScriptedModel(['{"winner": "pro", "margin": 3}'])
    result = await Debate(
        debaters=[debater("pro", "p"), debater("con", "c")],
        judge=judge,
        rounds=1,
        verdict_type=Score,
    ).execute("t")
    assert result.verdict == Score(winner="pro", margin=3)

    bad = ScriptedModel(["no json", "still none"])
    debate = Debate(
        debaters=[debater("pro", "p"), debater("con", "c")], judge=bad, rounds=1, verdict_retries=1
    )
    with pytest.raises(StructuredOutputError):
        await debate.execute("t")


def test_a_debate_needs_two_debaters() -> None:
    with pytest.raises(ValidationError, match="exactly two"):
        Debate(debaters=[debater("a")], judge=ScriptedModel([]))


def test_debate_has_the_agent_surface() -> None:
    judge = ScriptedModel(['{"winner": "pro", "answer": "yes"}'])
    result = Debate(
        debaters=[debater("pro", "p"), debater("con", "c")], judge=judge, rounds=1
    ).run_sync("q")
    assert result.text == "yes"
    assert isinstance(result.structured_output, DebateResult)
