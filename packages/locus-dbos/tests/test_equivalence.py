"""The same agent in-process and as a DBOS workflow: same result, same events."""

from __future__ import annotations

from typing import Any

import pytest
from dbos import DBOS

from locus import Agent, tool
from locus.core.messages import Role, ToolCall
from locus.dbos import DBOSAgent, configure
from locus.models import FunctionModel

EFFECTS: list[str] = []


@tool
async def add_note(text: str) -> str:
    """Store a note.

    Args:
        text: The note.
    """
    EFFECTS.append(text)
    return f"stored {text}"


def model(messages, tools):
    done = sum(1 for m in messages if m.role is Role.TOOL)
    if done < 2:
        return [ToolCall(id=f"call-{done}", name="add_note", arguments={"text": f"n{done}"})]
    return f"stored {done} notes"


def _shape(event: Any) -> dict[str, Any]:
    data = {"class": type(event).__name__, **event.model_dump(mode="json")}
    for volatile in ("timestamp", "run_id", "duration_ms", "span_id", "event_id"):
        data.pop(volatile, None)
    return data


def _agent() -> Agent:
    return Agent(model=FunctionModel(model), tools=[add_note], name="notes")


async def test_same_result_and_events_in_process_and_under_dbos(sqlite_url):
    EFFECTS.clear()
    plain = [_shape(e) async for e in _agent().run("take notes")]
    plain_result = await _agent().invoke("take notes")
    assert EFFECTS == ["n0", "n1", "n0", "n1"]

    EFFECTS.clear()
    durable = DBOSAgent(_agent())
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    events = [_shape(e) async for e in durable.run("take notes", workflow_id="wf-events")]
    result = await durable.invoke("take notes", workflow_id="wf-result")

    assert events == plain
    assert events[-1]["class"] == "TerminateEvent"
    assert result.message == plain_result.message == "stored 2 notes"
    assert [t.result for t in result.tool_executions] == ["stored n0", "stored n1"]
    assert EFFECTS == ["n0", "n1", "n0", "n1"]
    steps = await DBOS.list_workflow_steps_async("wf-result")
    assert [s["function_name"] for s in steps] == [
        "locus.model:function",
        "locus.tool:add_note",
        "locus.model:function",
        "locus.tool:add_note",
        "locus.model:function",
    ]


async def test_a_finished_workflow_id_returns_its_recorded_result(sqlite_url):
    EFFECTS.clear()
    durable = DBOSAgent(_agent(), name="notes-again")
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    first = await durable.invoke("take notes", workflow_id="same")
    second = await durable.invoke("take notes", workflow_id="same")
    assert second.message == first.message
    assert EFFECTS == ["n0", "n1"]  # started twice, ran once


async def test_enqueue_without_a_declared_queue_says_how_to_declare_it(sqlite_url):
    from locus.core.errors import ConfigError

    durable = DBOSAgent(_agent(), name="notes-q")
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    with pytest.raises(ConfigError, match="register_queue"):
        await durable.enqueue("x", queue="nope")


async def test_a_thread_with_a_checkpointer_saves_through_steps_and_continues(sqlite_url, tmp_path):
    from locus.checkpoint.sqlite import SQLiteCheckpointer

    EFFECTS.clear()
    saver = SQLiteCheckpointer(str(tmp_path / "threads.db"))
    agent = Agent(model=FunctionModel(model), tools=[add_note], name="notes-t", checkpointer=saver)
    durable = DBOSAgent(agent)
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    await durable.invoke("take notes", thread_id="t1", workflow_id="t1-a")
    second = await durable.invoke("and again", thread_id="t1", workflow_id="t1-b")

    state = await saver.load("t1")
    assert [m.content for m in state.messages if m.role is Role.USER] == ["take notes", "and again"]
    # the second run saw the first run's two tool results: it answered without calling tools
    assert second.message == "stored 2 notes"
    assert second.tool_executions == []
    assert EFFECTS == ["n0", "n1"]
    names = [s["function_name"] for s in await DBOS.list_workflow_steps_async("t1-a")]
    # DBOS records the turns: the thread is saved once, when the run ends
    assert names == [
        "locus.checkpoint_load:t1",
        "locus.model:function",
        "locus.tool:add_note",
        "locus.model:function",
        "locus.tool:add_note",
        "locus.model:function",
        "locus.checkpoint_save:t1",
    ]
    history = await saver.history("t1")
    assert [h.metadata["source"] for h in reversed(history)] == ["terminate"] * 2


async def test_save_every_step_saves_the_thread_after_every_turn_too(sqlite_url, tmp_path):
    from locus.checkpoint.sqlite import SQLiteCheckpointer

    saver = SQLiteCheckpointer(str(tmp_path / "threads.db"))
    agent = Agent(model=FunctionModel(model), tools=[add_note], name="notes-e", checkpointer=saver)
    plain_saver = SQLiteCheckpointer(str(tmp_path / "plain.db"))
    plain = Agent(model=FunctionModel(model), tools=[add_note], checkpointer=plain_saver)
    durable = DBOSAgent(agent, save_every_step=True)
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    await durable.invoke("take notes", thread_id="t1", workflow_id="e-1")
    await plain.invoke("take notes", thread_id="t1")

    sources = [h.metadata["source"] for h in reversed(await saver.history("t1"))]
    assert sources == [h.metadata["source"] for h in reversed(await plain_saver.history("t1"))]
    assert sources == ["input", "execute", "execute", "terminate"]
    names = [s["function_name"] for s in await DBOS.list_workflow_steps_async("e-1")]
    assert names.count("locus.checkpoint_save:t1") == 4


async def test_parallel_tool_calls_of_one_turn_replay_in_call_order(sqlite_url):
    EFFECTS.clear()

    def fan_out(messages, tools):
        if not any(m.role is Role.TOOL for m in messages):
            return [
                ToolCall(id=f"p{i}", name="add_note", arguments={"text": f"p{i}"}) for i in range(3)
            ]
        return "fanned out"

    durable = DBOSAgent(Agent(model=FunctionModel(fan_out), tools=[add_note], name="fan"))
    configure(system_database_url=sqlite_url, application_version="t", log_level="WARNING")
    DBOS.launch()
    first = await durable.invoke("go", workflow_id="fan-1")
    steps = await DBOS.list_workflow_steps_async("fan-1")
    assert [s["function_name"] for s in steps] == [
        "locus.model:function",
        *["locus.tool:add_note"] * 3,
        "locus.model:function",
    ]
    assert sorted(EFFECTS) == ["p0", "p1", "p2"]

    forked = await DBOS.fork_workflow_async("fan-1", steps[-1]["function_id"])
    again = await forked.get_result()
    assert sorted(EFFECTS) == ["p0", "p1", "p2"]  # the three recorded tool steps replayed
    assert [t.result for t in again.tool_executions] == [t.result for t in first.tool_executions]
