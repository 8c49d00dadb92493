"""The step seam (locus.core.durable): what a durable engine sees and may replay."""

from __future__ import annotations

from locus import Agent, tool
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.durable import current_step_runner, use_step_runner
from locus.core.messages import Role, ToolCall
from locus.models import FunctionModel


@tool(idempotent=True)
def book(room: str) -> str:
    """Book a room.

    Args:
        room: The room.
    """
    return f"booked {room}"


def model(messages, tools):
    if not any(m.role is Role.TOOL for m in messages):
        return [ToolCall(id="b1", name="book", arguments={"room": "4B"})]
    return "booked"


class Listing:
    def __init__(self) -> None:
        self.steps: list[str] = []

    async def run_step(self, info, call):
        self.steps.append(f"{info.kind}:{info.name}:{info.idempotency_key is not None}")
        return await call()


class SavesTwice(Listing):
    """A runner whose worker 'died' after every save committed, before recording it."""

    async def run_step(self, info, call):
        if info.kind == "checkpoint_save":
            await call()  # landed, never recorded
        return await super().run_step(info, call)


async def test_every_model_call_tool_body_load_and_save_goes_through_the_runner(tmp_path):
    runner = Listing()
    agent = Agent(
        model=FunctionModel(model), tools=[book], checkpointer=SQLiteCheckpointer(tmp_path / "t.db")
    )
    assert current_step_runner() is None
    with use_step_runner(runner):
        result = await agent.invoke("book 4B", thread_id="t")
    assert current_step_runner() is None
    assert result.message == "booked"
    assert runner.steps[0] == "checkpoint_load:t:False"
    work = [s for s in runner.steps if not s.startswith("checkpoint")]
    assert work == ["model:function:False", "tool:book:True", "model:function:False"]
    assert runner.steps.count("checkpoint_save:t:False") >= 3  # input, intent, result, ...


async def test_a_save_run_again_after_it_landed_is_found_not_a_conflict(tmp_path):
    saver = SQLiteCheckpointer(tmp_path / "t.db")
    runner = SavesTwice()
    agent = Agent(model=FunctionModel(model), tools=[book], checkpointer=saver)
    with use_step_runner(runner):
        result = await agent.invoke("book 4B", thread_id="t")
    assert result.message == "booked"
    history = await saver.history("t")
    # one checkpoint per save: the repeated saves found their own checkpoint
    assert len(history) == runner.steps.count("checkpoint_save:t:False")
    assert len({h.parent_id for h in history}) == len(history)


async def test_without_a_runner_steps_run_directly():
    agent = Agent(model=FunctionModel(model), tools=[book])
    result = await agent.invoke("book 4B")
    assert result.tool_executions[0].result == "booked 4B"


class SkipsSupersededSaves(Listing):
    """A runner whose engine records every step, so it keeps only a run's last save."""

    async def run_step(self, info, call):
        if info.kind == "checkpoint_save":
            self.steps.append(f"save:{info.source}")
            if info.source in {"input", "execute", "intent", "result"}:
                return None
        return await call()


async def test_a_runner_may_skip_the_saves_a_runs_last_save_supersedes(tmp_path):
    saver = SQLiteCheckpointer(tmp_path / "t.db")
    runner = SkipsSupersededSaves()
    agent = Agent(model=FunctionModel(model), tools=[book], checkpointer=saver)
    with use_step_runner(runner):
        result = await agent.invoke("book 4B", thread_id="t")
        again = await agent.invoke("and again", thread_id="t")
    assert result.message == again.message == "booked"
    saves = [s for s in runner.steps if s.startswith("save:")]
    assert saves[:5] == [
        "save:input",
        "save:intent",
        "save:result",
        "save:execute",
        "save:terminate",
    ]
    history = await saver.history("t")
    # only the last save of each run was written, one parent chain
    assert [h.metadata["source"] for h in reversed(history)] == ["terminate"] * 2
    assert [h.parent_id for h in reversed(history)][1:] == [
        h.checkpoint_id for h in reversed(history)
    ][:-1]
    state = await saver.load("t")
    assert state is not None
    assert [m.content for m in state.messages if m.role is Role.USER] == ["book 4B", "and again"]
    assert state.messages[-1].content == "booked"
