"""The server's one view of what it serves: an Agent, a compiled graph, a pattern or a runnable.

:func:`as_served` turns the object given to ``AgentServer(agent=...)`` into a
:class:`Served`: one event stream, one ``invoke`` returning an
:class:`~locus.agent.AgentResult`, the thread store, thread views, and
answering a pause, whatever the object's shape.

Kinds:

- ``agent``: an :class:`~locus.agent.Agent`;
- ``graph``: a compiled graph (wrapped in :class:`GraphRunnable`) or a
  multi-agent pattern (``Orchestrator``, ``Swarm``...: a ``compiled()``
  graph and a ``checkpointer``), whose threads are graph threads;
- ``runnable``: anything else with ``invoke(prompt)`` or ``run(prompt)``; it
  keeps no threads the server can read.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import AsyncIterator
from typing import Any, Literal

from locus.agent import Agent, AgentResult
from locus.checkpoint import ThreadRun
from locus.core.errors import ConfigError
from locus.core.events import LocusEvent, RunStartEvent, TerminateEvent
from locus.server._graph import GraphRunnable
from locus.server._schemas import PendingCall
from locus.server._threads import pending_calls
from locus.server._views import (
    ThreadSnapshot,
    agent_snapshot,
    graph_pending,
    graph_snapshot,
    graph_snapshot_at,
)

__all__ = ["Served", "as_served"]

Kind = Literal["agent", "graph", "runnable"]


def _is_pattern(target: Any) -> bool:
    return callable(getattr(target, "compiled", None)) and hasattr(target, "checkpointer")


class Served:
    """The server's view of what it serves (see :func:`as_served`).

    Attributes:
        target: The object given to the server (a graph comes wrapped in a GraphRunnable).
        name: Its name (``/health``, A2A card).
        kind: ``"agent"``, ``"graph"`` or ``"runnable"``.
        is_agent: ``kind == "agent"``.
    """

    def __init__(self, target: Any) -> None:
        self.target = target
        self.kind: Kind = (
            "agent"
            if isinstance(target, Agent)
            else "graph"
            if isinstance(target, GraphRunnable) or _is_pattern(target)
            else "runnable"
        )
        self.is_agent = self.kind == "agent"
        self.name = str(getattr(target, "name", None) or type(target).__name__)
        invoke = getattr(target, "invoke", None)
        self._invoke = invoke
        self._invoke_takes_thread = invoke is not None and (
            "thread_id" in inspect.signature(invoke).parameters
        )

    @property
    def checkpointer(self) -> Any:
        """The thread store, or ``None``."""
        return getattr(self.target, "checkpointer", None)

    def give_memory_store(self) -> None:
        """Give an agent, graph or pattern without a store an in-memory one (per process)."""
        if self.kind != "runnable" and self.checkpointer is None:
            from locus.checkpoint.memory import MemoryCheckpointer

            self.target.checkpointer = MemoryCheckpointer()

    @property
    def graph(self) -> Any:
        """The compiled graph whose threads this serves (``kind == "graph"``), else ``None``."""
        if isinstance(self.target, GraphRunnable):
            return self.target.graph
        if self.kind == "graph":
            return self.target.compiled()
        return None

    # -- runs ---------------------------------------------------------------------------

    def events(
        self, prompt: str, thread_id: str, busy: dict[str, Any] | None = None
    ) -> AsyncIterator[LocusEvent]:
        """The run's typed events; the last one is a ``TerminateEvent``.

        ``busy`` (``on_busy``, ``busy_timeout``) goes to an Agent's or a graph's run.
        """
        if self.is_agent or isinstance(self.target, GraphRunnable):
            stream: AsyncIterator[LocusEvent] = self.target.run(
                prompt, thread_id=thread_id, **(busy or {})
            )
            return stream
        run = getattr(self.target, "run", None)
        if run is not None and inspect.isasyncgenfunction(run):
            own: AsyncIterator[LocusEvent] = run(prompt, thread_id=thread_id)
            return own
        return self._events_of_invoke(prompt, thread_id)

    async def _events_of_invoke(self, prompt: str, thread_id: str) -> AsyncIterator[LocusEvent]:
        yield RunStartEvent(run_id="", thread_id=thread_id, agent_name=self.name, prompt=prompt)
        result = await self.invoke(prompt, thread_id)
        yield TerminateEvent(
            reason=result.stop_reason or "completed",
            final_message=result.message,
            iterations=result.iterations,
        )

    async def invoke(
        self, prompt: str, thread_id: str, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Run to completion (or to a pause) and return the result."""
        if self.is_agent or isinstance(self.target, GraphRunnable):
            result: AgentResult = await self.target.invoke(
                prompt, thread_id=thread_id, **(busy or {})
            )
            return result
        invoke = self._invoke
        if invoke is None:  # a run()-only runnable: its last event is the result
            last: TerminateEvent | None = None
            async for event in self.events(prompt, thread_id):
                if isinstance(event, TerminateEvent):
                    last = event
            if last is None:
                raise ConfigError(f"{self.target!r}.run() ended without a TerminateEvent.")
            return AgentResult(
                message=last.final_message,
                stop_reason=last.reason,
                iterations=last.iterations,
                thread_id=thread_id,
            )
        if self._invoke_takes_thread:
            outcome = invoke(prompt, thread_id=thread_id)
        else:
            outcome = invoke(prompt)
        if inspect.isawaitable(outcome):
            outcome = await outcome
        return _as_result(outcome, thread_id)

    async def resume_invoke(
        self, thread_id: str, pause_id: str, answer: Any, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Answer the pause ``pause_id`` (an agent: its first paused call) and run on."""
        if self.is_agent:
            result: AgentResult = await self.target.resume_invoke(thread_id, answer, **(busy or {}))
            return result
        if isinstance(self.target, GraphRunnable):
            return await self.target.resume(thread_id, pause_id, answer, busy)
        raise ConfigError(f"{self.name} has no paused runs to answer.")  # pragma: no cover

    async def continue_invoke(
        self, thread_id: str, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Continue an unfinished run from its last checkpoint."""
        if self.is_agent:
            result: AgentResult = await self.target.resume_invoke(thread_id, **(busy or {}))
            return result
        if isinstance(self.target, GraphRunnable):
            return await self.target.resume_unfinished(thread_id, busy)
        # a pattern called again on its thread continues the run that stopped mid-way
        outcome = await self.target.invoke("", thread_id=thread_id)
        return _as_result(outcome, thread_id)

    # -- threads ------------------------------------------------------------------------

    async def view(self, thread_id: str, secret: bytes) -> ThreadSnapshot | None:
        """The thread's latest state and its pending calls, or ``None`` when it has none."""
        if self.checkpointer is None:
            return None
        if self.kind == "graph":
            return await graph_snapshot(self.graph, thread_id, secret)
        return await agent_snapshot(self.checkpointer, thread_id, secret if self.is_agent else None)

    async def view_at(self, thread_id: str, checkpoint_id: str) -> ThreadSnapshot | None:
        """The thread at one checkpoint (read only), or ``None``."""
        if self.checkpointer is None:
            return None
        if self.kind == "graph":
            return await graph_snapshot_at(self.checkpointer, thread_id, checkpoint_id)
        return await agent_snapshot(self.checkpointer, thread_id, None, checkpoint_id)

    def pending_of(self, result: AgentResult, thread_id: str, secret: bytes) -> list[PendingCall]:
        """The pauses a run ended on, with their approval tokens."""
        if self.is_agent:
            state = result.state
            if state is None or state.thread_id != thread_id:
                return []
            return pending_calls(state, secret)
        if self.kind == "graph" and result.interrupts:
            return graph_pending(thread_id, result.interrupts, secret)
        return []

    @contextlib.asynccontextmanager
    async def hold(self, thread_id: str) -> AsyncIterator[None]:
        """Own the thread (its lease in the store, seen by every process sharing it) or fail.

        Raises:
            locus.core.errors.ThreadBusyError: a run holds it, here or in another process.
        """
        async with ThreadRun(self.checkpointer, thread_id, on_busy="reject", busy_timeout=1.0):
            yield


def _as_result(outcome: Any, thread_id: str) -> AgentResult:
    if isinstance(outcome, AgentResult):
        return outcome
    message = getattr(outcome, "message", None)
    if not isinstance(message, str):
        message = getattr(outcome, "text", None)
    if not isinstance(message, str):
        message = outcome if isinstance(outcome, str) else str(outcome)
    return AgentResult(
        message=message,
        stop_reason=str(getattr(outcome, "stop_reason", "") or "completed"),
        thread_id=thread_id,
    )


def as_served(target: Any) -> Served:
    """Wrap what ``AgentServer(agent=...)`` was given.

    An Agent or a pattern is served as is; a compiled graph is wrapped in
    :class:`GraphRunnable`; any other object needs ``invoke(prompt)`` (sync or
    async) or an async-generator ``run(prompt, thread_id=...)``.

    Raises:
        locus.core.errors.ConfigError: the object can be neither run nor invoked.
    """
    if isinstance(target, Served):
        return target
    if not isinstance(target, Agent | GraphRunnable) and callable(getattr(target, "astream", None)):
        target = GraphRunnable(target)
    if not (callable(getattr(target, "invoke", None)) or callable(getattr(target, "run", None))):
        raise ConfigError(
            f"AgentServer cannot serve {target!r}: pass an Agent, a compiled graph, a pattern, "
            "or an object with invoke(prompt) or an async run(prompt, thread_id=...)."
        )
    return Served(target)
