"""Where a sync tool body runs: a worker thread by default, the loop's thread with inline=True."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.messages import Role, ToolCall
from locus.hooks import HookProvider, ToolCallDecision
from locus.models import ScriptedModel
from locus.tools._workers import MAX_WORKERS

REQUEST = contextvars.ContextVar("request", default="none")


def outputs(result: object) -> list[str]:
    state = result.state  # type: ignore[attr-defined]
    return [m.content or "" for m in state.messages if m.role is Role.TOOL]


async def test_a_sync_body_runs_off_the_loop_in_a_copy_of_the_callers_context() -> None:
    seen: list[tuple[int, str]] = []

    @tool
    def where() -> str:
        """Report the thread and the request id."""
        seen.append((threading.get_ident(), REQUEST.get()))
        REQUEST.set("changed by the tool")
        return "ok"

    REQUEST.set("r-1")
    agent = Agent(model=ScriptedModel([[ToolCall(name="where")], "done"]), tools=[where])
    await agent.invoke("go")
    assert seen == [(seen[0][0], "r-1")]
    assert seen[0][0] != threading.get_ident()  # not the event loop's thread
    assert REQUEST.get() == "r-1"  # the body's change stays in its copy


async def test_sync_calls_of_one_turn_run_concurrently_past_the_worker_pool() -> None:
    # each body waits for all the others: serial execution would break the barrier
    parties = MAX_WORKERS + 2  # more than the kept workers: the rest use the default executor
    barrier = threading.Barrier(parties, timeout=30)

    @tool
    def meet(i: int) -> int:
        """Wait for every other call of the turn."""
        barrier.wait()
        return i

    calls = [ToolCall(name="meet", arguments={"i": i}) for i in range(parties)]
    agent = Agent(model=ScriptedModel([calls, "done"]), tools=[meet])
    result = await agent.invoke("go")
    assert sorted(outputs(result), key=int) == [str(i) for i in range(parties)]
    assert all(not e.error for e in result.tool_executions)


async def test_a_sync_body_that_raises_is_a_tool_error_with_its_traceback() -> None:
    @tool
    def broken() -> str:
        """Fail."""
        raise KeyError("missing")

    agent = Agent(model=ScriptedModel([[ToolCall(name="broken")], "done"]), tools=[broken])
    result = await agent.invoke("go")
    (execution,) = result.tool_executions
    assert execution.error == "Tool 'broken' raised KeyError: 'missing'"
    assert execution.traceback is not None
    assert 'raise KeyError("missing")' in execution.traceback


async def test_inline_runs_the_body_on_the_loop_thread_with_the_same_result() -> None:
    threads: list[int] = []

    def double(i: int) -> int:
        """Double a number."""
        threads.append(threading.get_ident())
        return 2 * i

    script = [[ToolCall(id="c", name="double", arguments={"i": "21"})], "done"]
    results = []
    for inline in (False, True):
        agent = Agent(
            model=ScriptedModel(script), tools=[tool(double, name="double", inline=inline)]
        )
        results.append(await agent.invoke("go"))
    loop_thread = threading.get_ident()
    assert threads[0] != loop_thread
    assert threads[1] == loop_thread
    assert outputs(results[0]) == outputs(results[1]) == ["42"]
    assert results[0].tool_executions[0].arguments == results[1].tool_executions[0].arguments


async def test_inline_ignores_the_agent_tool_timeout_instead_of_reporting_a_false_timeout() -> None:
    @tool(inline=True)
    def slow_but_inline() -> str:
        """Block the loop a little."""
        threading.Event().wait(0.05)
        return "finished"

    agent = Agent(
        model=ScriptedModel([[ToolCall(name="slow_but_inline")], "done"]),
        tools=[slow_but_inline],
        tool_timeout=0.001,
    )
    result = await agent.invoke("go")
    assert outputs(result) == ["finished"]


def test_inline_refuses_async_bodies_and_timeouts() -> None:
    async def fetch() -> str:
        """Fetch."""
        return ""

    def pure() -> str:
        """Pure."""
        return ""

    with pytest.raises(ValidationError, match="inline=True is for sync bodies"):
        tool(fetch, inline=True)
    with pytest.raises(ValidationError, match="cannot be timed out"):
        tool(pure, inline=True, timeout=1.0)
    assert repr(tool(pure, inline=True)) == "Tool('pure', inline=True)"


async def test_arguments_replaced_by_a_hook_are_measured_against_the_limits() -> None:
    # the Think node screens the model's arguments; a hook's replacement is checked again
    class Inflate(HookProvider):
        def before_tool_call(self, event: object) -> ToolCallDecision:
            return ToolCallDecision(arguments={"text": "x" * 300_000})

    @tool
    def echo(text: str) -> str:
        """Echo."""
        return text

    agent = Agent(
        model=ScriptedModel([[ToolCall(name="echo", arguments={"text": "hi"})], "done"]),
        tools=[echo],
        hooks=[Inflate()],
    )
    result = await agent.invoke("go")
    (execution,) = result.tool_executions
    assert execution.error is not None
    assert "larger than" in execution.error


async def test_a_cancelled_await_leaves_the_worker_usable() -> None:
    started = threading.Event()
    release = threading.Event()

    @tool
    def wait_for_release() -> str:
        """Block until released."""
        started.set()
        release.wait(30)
        return "released"

    task = asyncio.ensure_future(wait_for_release.execute())
    assert await asyncio.to_thread(started.wait, 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    release.set()

    @tool
    def after() -> str:
        """Run after."""
        return "ran"

    assert await after.execute() == "ran"
