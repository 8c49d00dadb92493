"""@tool(idempotent=True): the exactly-once ledger within a run, across runs and after a crash."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from locus import Agent, tool
from locus.checkpoint.memory import MemoryCheckpointer
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.events import ToolCompleteEvent
from locus.core.messages import Role, ToolCall
from locus.core.state import AgentState
from locus.models import ScriptedModel
from locus.tools import ToolContext, idempotency_key


def _pager() -> tuple[Any, list[str]]:
    sent: list[str] = []

    @tool(idempotent=True)
    def page_oncall(reason: str) -> str:
        """Page the on-call engineer."""
        sent.append(reason)
        return f"PAGE-{len(sent)}"

    return page_oncall, sent


def _page(reason: str = "p99 high", call_id: str | None = None) -> ToolCall:
    if call_id:
        return ToolCall(id=call_id, name="page_oncall", arguments={"reason": reason})
    return ToolCall(name="page_oncall", arguments={"reason": reason})


async def test_refire_within_a_run_returns_the_recorded_result() -> None:
    page_oncall, sent = _pager()
    model = ScriptedModel([[_page()], [_page()], [_page(), _page()], "paged once"])
    result = await Agent(model=model, tools=[page_oncall]).invoke("page")
    assert sent == ["p99 high"]
    assert [e.cached for e in result.tool_executions] == [False, True, True, True]
    assert {e.result for e in result.tool_executions} == {"PAGE-1"}


async def test_key_is_over_validated_arguments() -> None:
    calls: list[int] = []

    @tool(idempotent=True)
    def charge(amount: int, currency: str = "EUR") -> str:
        """Charge."""
        calls.append(amount)
        return "ok"

    model = ScriptedModel(
        [
            [ToolCall(name="charge", arguments={"amount": 5})],
            [ToolCall(name="charge", arguments={"currency": "EUR", "amount": "5"})],
            "done",
        ]
    )
    await Agent(model=model, tools=[charge]).invoke("go")
    assert calls == [5]


async def test_thread_scope_dedupes_across_runs_and_agent_instances(tmp_path: Any) -> None:
    page_oncall, sent = _pager()
    path = tmp_path / "threads.db"
    first = Agent(
        model=ScriptedModel([[_page()], "paged"]),
        tools=[page_oncall],
        checkpointer=SQLiteCheckpointer(path),
    )
    await first.invoke("page them", thread_id="incident-1")
    second = Agent(
        model=ScriptedModel([[_page()], "already paged"]),
        tools=[page_oncall],
        checkpointer=f"sqlite:///{path}",
    )
    result = await second.invoke("page them again", thread_id="incident-1")
    assert sent == ["p99 high"]
    assert result.tool_executions[0].cached is True
    assert result.tool_executions[0].result == "PAGE-1"
    # another thread is another ledger
    third = Agent(
        model=ScriptedModel([[_page()], "paged"]),
        tools=[page_oncall],
        checkpointer=f"sqlite:///{path}",
    )
    await third.invoke("page", thread_id="incident-2")
    assert sent == ["p99 high", "p99 high"]


async def test_run_scope_and_ttl_allow_refire_later() -> None:
    hits: list[str] = []

    @tool(idempotent=True, idempotency_scope="run")
    def read(name: str) -> str:
        """Read."""
        hits.append(name)
        return str(len(hits))

    saver = MemoryCheckpointer()
    for _ in range(2):
        model = ScriptedModel([[ToolCall(name="read", arguments={"name": "cpu"})]] * 2 + ["x"])
        await Agent(model=model, tools=[read], checkpointer=saver).invoke("go", thread_id="t")
    assert hits == ["cpu", "cpu"]  # once per run

    @tool(idempotent=True, idempotency_ttl=0.001)
    def ping() -> str:
        """Ping."""
        hits.append("ping")
        return "pong"

    import asyncio

    model = ScriptedModel([[ToolCall(name="ping")], "a"])
    agent = Agent(model=model, tools=[ping], checkpointer=saver)
    await agent.invoke("go", thread_id="ttl")
    await asyncio.sleep(0.01)
    agent.model = ScriptedModel([[ToolCall(name="ping")], "b"])
    await agent.invoke("go", thread_id="ttl")
    assert hits.count("ping") == 2


async def test_tool_context_carries_the_ledger_key() -> None:
    keys: list[str | None] = []

    @tool(idempotent=True)
    def charge(amount: int, ctx: ToolContext) -> str:
        """Charge."""
        keys.append(ctx.idempotency_key)
        assert ctx.thread_id == "t1"
        return "ok"

    model = ScriptedModel([[ToolCall(name="charge", arguments={"amount": 7})], "done"])
    result = await Agent(model=model, tools=[charge]).invoke("go", thread_id="t1")
    assert keys == [idempotency_key("charge", '{"amount":7}')]
    assert keys[0] in result.state.idempotency  # type: ignore[union-attr]


class _Recorder(MemoryCheckpointer):
    """Keeps a deep copy of the state at every save, by source."""

    def __init__(self) -> None:
        super().__init__()
        self.snapshots: list[tuple[str, AgentState]] = []

    async def save(
        self,
        state: AgentState,
        thread_id: str,
        checkpoint_id: str | None = None,
        metadata: dict[str, Any] | None = None,
        **options: Any,
    ) -> str:  # type: ignore[override]
        self.snapshots.append(((metadata or {}).get("source", ""), copy.deepcopy(state)))
        return await super().save(state, thread_id, checkpoint_id, metadata, **options)


async def _crash_at(source: str) -> tuple[AgentState, list[str], Any]:
    page_oncall, sent = _pager()
    recorder = _Recorder()
    model = ScriptedModel([[_page(call_id="c1")], "paged"])
    await Agent(model=model, tools=[page_oncall], checkpointer=recorder).invoke(
        "page", thread_id="t"
    )
    snapshot = next(s for src, s in recorder.snapshots if src == source)
    return snapshot, sent, page_oncall


async def test_resume_after_crash_before_result_reports_in_doubt() -> None:
    # the process died after the body ran but before its result was checkpointed
    snapshot, sent, page_oncall = await _crash_at("intent")
    assert next(iter(snapshot.idempotency.values())).status == "pending"
    saver = MemoryCheckpointer()
    await saver.save(snapshot, "t")
    model = ScriptedModel(["I could not confirm the page; checking with the pager."])
    agent = Agent(model=model, tools=[page_oncall], checkpointer=saver)
    events = [e async for e in agent.resume("t")]
    done = [e for e in events if isinstance(e, ToolCompleteEvent)]
    assert sent == ["p99 high"]  # not fired again
    assert done[0].in_doubt is True
    assert done[0].cached is False
    tool_msg = next(m for m in model.calls[0] if m.role is Role.TOOL)
    assert "in doubt" in (tool_msg.content or "")
    assert events[-1].event_type == "agent.terminate"


async def test_resume_after_crash_with_recorded_result_finishes_without_refiring() -> None:
    snapshot, sent, page_oncall = await _crash_at("result")
    saver = MemoryCheckpointer()
    await saver.save(snapshot, "t")
    model = ScriptedModel(["Paged PAGE-1."])
    agent = Agent(model=model, tools=[page_oncall], checkpointer=saver)
    result = agent.resume_sync("t")
    assert sent == ["p99 high"]
    assert result.tool_executions[0].cached is True
    assert result.message == "Paged PAGE-1."
    assert (await saver.load("t")).status == "completed"  # type: ignore[union-attr]


async def test_retrying_the_request_on_a_crashed_thread_does_not_fire_again() -> None:
    snapshot, sent, page_oncall = await _crash_at("intent")
    saver = MemoryCheckpointer()
    await saver.save(snapshot, "t")
    model = ScriptedModel([[_page()], "in doubt, not re-paged"])
    result = await Agent(model=model, tools=[page_oncall], checkpointer=saver).invoke(
        "page", thread_id="t"
    )
    assert sent == ["p99 high"]
    assert result.tool_executions[-1].in_doubt is True
    # the dangling call of the crashed run was answered so the conversation stays valid
    first_call = model.calls[0]
    assert any(m.role is Role.TOOL and m.tool_call_id == "c1" for m in first_call)


async def test_resume_of_a_completed_thread_replays_its_end() -> None:
    page_oncall, _ = _pager()
    saver = MemoryCheckpointer()
    agent = Agent(model=ScriptedModel(["hi"]), tools=[page_oncall], checkpointer=saver)
    await agent.invoke("hello", thread_id="t")
    result = agent.resume_sync("t")
    assert result.message == "hi"
    assert result.stop_reason == "NoToolCalls()"


async def test_resume_of_unknown_thread_is_a_clear_error() -> None:
    from locus.core.errors import CheckpointNotFoundError

    agent = Agent(model=ScriptedModel([]), checkpointer=MemoryCheckpointer())
    with pytest.raises(CheckpointNotFoundError, match="nope"):
        await agent.resume_invoke("nope")


async def test_non_json_return_values_still_checkpoint(tmp_path: Any) -> None:
    from pydantic import BaseModel

    class Receipt(BaseModel):
        id: str

    @tool(idempotent=True)
    def book(flight: str) -> list[Receipt]:
        """Book."""
        return [Receipt(id="BK-1")]

    saver = SQLiteCheckpointer(tmp_path / "t.db")
    model = ScriptedModel([[ToolCall(name="book", arguments={"flight": "TK-12"})], "ok"])
    result = await Agent(model=model, tools=[book], checkpointer=saver).invoke("go", thread_id="t")
    assert result.tool_executions[0].result == '[{"id": "BK-1"}]'
    state = await saver.load("t")
    assert state is not None
    assert next(iter(state.idempotency.values())).content == '[{"id": "BK-1"}]'
