"""The Agent surface of a compiled graph: run / invoke_agent / run_sync / as_tool.

A compiled graph can stand wherever an Agent does (pipelines, tools of other
agents, the server): these methods give it the Agent's calling conventions.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

from locus.checkpoint._thread_run import DEFAULT_BUSY_TIMEOUT, OnBusy

if TYPE_CHECKING:
    from locus.checkpoint._thread_run import ThreadRun

if TYPE_CHECKING:
    from locus.agent._run import AgentRun
    from locus.agent.result import AgentResult
    from locus.core.events import LocusEvent
    from locus.core.interrupt import InterruptHandler
    from locus.multiagent.graph._exec import Run
    from locus.multiagent.graph._types import GraphConfig, GraphResult
    from locus.tools import Tool

__all__ = ["GraphAgentSurface", "final_text"]


class GraphAgentSurface:
    """Mixin of :class:`~locus.multiagent.graph.CompiledGraph` giving it the Agent API."""

    name: str

    if TYPE_CHECKING:  # provided by CompiledGraph

        async def ainvoke(
            self,
            input: Any,
            *,
            thread_id: str | None = None,
            config: GraphConfig | dict[str, Any] | None = None,
            interrupt_handler: InterruptHandler | None = None,
            raise_on_interrupt: bool = True,
            on_busy: OnBusy = "enqueue",
            busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        ) -> GraphResult: ...

        async def _start(
            self,
            input: Any,
            thread_id: str | None,
            config: GraphConfig | dict[str, Any] | None,
            handler: InterruptHandler | None,
            owner: ThreadRun | None = None,
        ) -> Run: ...

        def hold_thread(
            self,
            input: Any,
            thread_id: str | None,
            config: GraphConfig | dict[str, Any] | None,
            on_busy: OnBusy = "enqueue",
            busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        ) -> AbstractAsyncContextManager[ThreadRun | None]: ...

    def run(
        self,
        prompt: Any,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentRun:
        """Run as an agent: await for an ``AgentResult``, or iterate for the events.

        The events are the graph's, then a ``TerminateEvent`` with the final
        text (see :class:`~locus.agent.AgentRun`). ``on_busy``/``busy_timeout``:
        what to do when ``thread_id`` has an active run (as ``Agent.run``).
        """
        from locus.agent._run import AgentRun

        return AgentRun(
            lambda holder: self._agent_events(prompt, thread_id, on_busy, busy_timeout, holder)
        )

    async def _agent_events(
        self,
        prompt: Any,
        thread_id: str | None,
        on_busy: OnBusy,
        busy_timeout: float,
        holder: dict[str, AgentResult],
    ) -> AsyncIterator[LocusEvent]:
        from locus.agent.result import AgentResult
        from locus.core.events import InterruptEvent, TerminateEvent

        async with self.hold_thread(prompt, thread_id, None, on_busy, busy_timeout) as owner:
            run = await self._start(prompt, thread_id, None, None, owner)
            async for _, event in run.iterate("events"):
                yield event
        for _, value in run.interrupts:
            yield InterruptEvent(
                interrupt_id=value.interrupt_id, payload=value.payload, node_id=value.node_id
            )
        reason = "interrupted" if run.interrupts else "graph_completed"
        text = final_text(run.values)
        holder["result"] = AgentResult(
            message=text, stop_reason=reason, iterations=run.step, thread_id=run.thread_id
        )
        yield TerminateEvent(reason=reason, final_message=text, iterations=run.step)

    async def invoke_agent(
        self,
        prompt: Any,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """Run as an agent and return an :class:`~locus.agent.AgentResult`."""
        from locus.agent.result import AgentResult

        result = await self.ainvoke(
            prompt,
            thread_id=thread_id,
            raise_on_interrupt=False,
            on_busy=on_busy,
            busy_timeout=busy_timeout,
        )
        reason = "interrupted" if result.interrupts else "graph_completed"
        return AgentResult(
            message=final_text(result),
            stop_reason=reason,
            iterations=result.steps,
            thread_id=result.thread_id,
        )

    def run_sync(
        self,
        prompt: Any,
        *,
        thread_id: str | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AgentResult:
        """Blocking run as an agent, returning an :class:`~locus.agent.AgentResult`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(
            lambda: self.invoke_agent(
                prompt, thread_id=thread_id, on_busy=on_busy, busy_timeout=busy_timeout
            )
        )

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This graph as a tool an agent can call with a ``prompt``."""
        from locus.tools import Tool

        graph = self

        async def run_graph(prompt: str) -> str:
            """Delegate a task.

            Args:
                prompt: The task, in plain language.
            """
            return (await graph.invoke_agent(prompt)).message

        return Tool(
            run_graph,
            name=name or self.name,
            description=description or f"Run the {self.name} workflow.",
        )


def final_text(values: dict[str, Any]) -> str:
    """The text answer of a graph state: ``output``/``answer``/``result``, else the last message."""
    for key in ("output", "answer", "final_answer", "result", "summary"):
        value = values.get(key)
        if isinstance(value, str):
            return value
    messages = values.get("messages")
    if isinstance(messages, list | tuple) and messages:
        last = messages[-1]
        content = getattr(last, "content", last)
        return content if isinstance(content, str) else str(content)
    import json

    from pydantic_core import to_jsonable_python

    return json.dumps(to_jsonable_python(values, fallback=repr))
