"""Compiled graphs and multi-agent patterns inside a durable workflow: their steps are recorded."""

from __future__ import annotations

from typing import TypedDict

from dbos import DBOS

from locus import Agent
from locus.core.messages import Role
from locus.dbos import configure, durable_workflow
from locus.models import FunctionModel
from locus.multiagent.debate import Debate
from locus.multiagent.graph import END, START, StateGraph

CALLS: list[str] = []


def scripted(label: str):
    def model(messages, tools):
        CALLS.append(label)
        asked = [m.content for m in messages if m.role is Role.USER][-1] or ""
        if label == "judge":
            return (
                '{"winner": "pro", "reasoning": "r", "answer": "use postgres", "confidence": 0.9}'
            )
        return f"{label}: {asked[:20]}"

    return FunctionModel(model)


class Ticket(TypedDict, total=False):
    text: str
    triage: str
    reply: str


def _graph():
    triage = Agent(model=scripted("triage"), name="triage")
    writer = Agent(model=scripted("writer"), name="writer")

    async def triage_node(state: Ticket) -> Ticket:
        return {"triage": (await triage.invoke(state["text"])).message}

    async def reply_node(state: Ticket) -> Ticket:
        return {"reply": (await writer.invoke(state["triage"])).message}

    graph = StateGraph(Ticket)
    graph.add_node("triage", triage_node)
    graph.add_node("reply", reply_node)
    graph.add_edge(START, "triage")
    graph.add_edge("triage", "reply")
    graph.add_edge("reply", END)
    return graph.compile()


async def test_a_graph_run_is_a_workflow_and_a_replay_does_not_call_the_models_again(sqlite_url):
    pipeline = _graph()

    @durable_workflow("locus.test.ticket")
    async def handle(text: str) -> str:
        out = await pipeline.ainvoke({"text": text})
        return str(out["reply"])

    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    CALLS.clear()
    from dbos import SetWorkflowID

    with SetWorkflowID("ticket-1"):
        handle_ = await DBOS.start_workflow_async(handle, "printer on fire")
    first = await handle_.get_result()
    assert first == "writer: triage: printer on f"
    assert CALLS == ["triage", "writer"]
    steps = await DBOS.list_workflow_steps_async("ticket-1")
    assert [s["function_name"] for s in steps] == ["locus.model:function"] * 2

    # re-run from the second step: the first model call is replayed from its record
    forked = await DBOS.fork_workflow_async("ticket-1", steps[1]["function_id"])
    assert await forked.get_result() == first
    assert CALLS == ["triage", "writer", "writer"]


async def test_a_debate_inside_a_workflow_records_every_debater_and_judge_call(sqlite_url):
    debate = Debate(
        debaters=[
            Agent(model=scripted("pro"), name="pro"),
            Agent(model=scripted("con"), name="con"),
        ],
        judge=Agent(model=scripted("judge"), name="judge"),
        rounds=2,
    )

    @durable_workflow("locus.test.debate")
    async def decide(topic: str) -> str:
        return str((await debate.execute(topic)).verdict.answer)

    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    CALLS.clear()
    from dbos import SetWorkflowID

    with SetWorkflowID("debate-1"):
        running = await DBOS.start_workflow_async(decide, "which database?")
    assert await running.get_result() == "use postgres"
    steps = await DBOS.list_workflow_steps_async("debate-1")
    assert len(steps) == len(CALLS) == 5  # 2 rounds x 2 debaters + the judge
    assert sorted(CALLS) == ["con", "con", "judge", "pro", "pro"]

    forked = await DBOS.fork_workflow_async(
        "debate-1", steps[-1]["function_id"]
    )  # replay all but the judge
    assert await forked.get_result() == "use postgres"
    assert len(CALLS) == 6
    assert CALLS[-1] == "judge"
