"""What the server can serve: an Agent, a compiled graph, or any runnable.

:func:`as_served` turns the object given to ``AgentServer(agent=...)`` into a
:class:`Served`: one event stream, one ``invoke`` returning an
:class:`~locus.agent.AgentResult`, and the thread store, whatever its shape.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import AsyncIterator
from typing import Any

from locus.agent import Agent, AgentResult
from locus.core.errors import ConfigError
from locus.core.events import LocusEvent, RunStartEvent, TerminateEvent
from locus.core.state import AgentState

__all__ = ["GraphRunnable", "Served", "as_served"]


class GraphRunnable:
    """A compiled graph (or functional entrypoint) served like an agent.

    The prompt goes into state key ``input_key``; the answer is state key
    ``output_key`` (default: the last message's content of a ``messages``
    key, else the whole final state as text).

    Args:
        graph: A compiled ``StateGraph`` (or an uncompiled one: compiled here).
        input_key: State key that receives the prompt.
        output_key: State key holding the answer.
        name: Name shown by ``/health`` and the A2A card.
    """

    def __init__(
        self,
        graph: Any,
        *,
        input_key: str = "prompt",
        output_key: str | None = None,
        name: str | None = None,
    ) -> None:
        if not callable(getattr(graph, "astream", None)) and callable(
            getattr(graph, "compile", None)
        ):
            graph = graph.compile()
        if not callable(getattr(graph, "astream", None)):
            raise ConfigError(
                f"GraphRunnable needs a compiled graph (StateGraph(...).compile()), got {graph!r}"
            )
        self.graph = graph
        self.input_key = input_key
        self.output_key = output_key
        self.name = name or getattr(graph, "name", None) or "graph"
        self.checkpointer = getattr(graph, "checkpointer", None)

    def _answer(self, values: dict[str, Any]) -> str:
        if self.output_key is not None:
            value = values.get(self.output_key, "")
            return value if isinstance(value, str) else str(value)
        messages = values.get("messages")
        if isinstance(messages, list) and messages:
            last = messages[-1]
            content = getattr(last, "content", None)
            if content is None and isinstance(last, dict):
                content = last.get("content")
            return str(content or "")
        return str(values)

    async def run(self, prompt: str, *, thread_id: str | None = None) -> AsyncIterator[LocusEvent]:
        """Run the graph, yielding its typed events, then a ``TerminateEvent``."""
        started = RunStartEvent(run_id="", thread_id=thread_id, agent_name=self.name, prompt=prompt)
        yield started
        async for event in self.graph.astream(
            {self.input_key: prompt}, stream_mode="events", thread_id=thread_id
        ):
            yield event
        snapshot = await self.graph.get_state(thread_id) if thread_id else None
        values: dict[str, Any] = dict(snapshot.values) if snapshot is not None else {}
        status = snapshot.status if snapshot is not None else "completed"
        yield TerminateEvent(
            reason="Interrupted" if status == "interrupted" else "completed",
            final_message=self._answer(values),
        )

    async def invoke(self, prompt: str, *, thread_id: str | None = None) -> AgentResult:
        """Run the graph to the end and return its answer as an :class:`AgentResult`."""
        result = await self.graph.ainvoke(
            {self.input_key: prompt}, thread_id=thread_id, raise_on_interrupt=False
        )
        return AgentResult(
            message=self._answer(dict(result)),
            stop_reason="Interrupted" if result.interrupts else "completed",
            iterations=getattr(result, "steps", 0),
            interrupts=[i.model_dump(mode="json") for i in result.interrupts],
            thread_id=thread_id,
        )


class Served:
    """The server's view of what it serves (see :func:`as_served`).

    Attributes:
        target: The object given to the server.
        name: Its name (``/health``, A2A card).
        is_agent: It is a :class:`~locus.agent.Agent` (thread views, resume).
    """

    def __init__(self, target: Any) -> None:
        self.target = target
        self.is_agent = isinstance(target, Agent)
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

    def events(
        self, prompt: str, thread_id: str, busy: dict[str, Any] | None = None
    ) -> AsyncIterator[LocusEvent]:
        """The run's typed events; the last one is a ``TerminateEvent``.

        ``busy`` (``on_busy``, ``busy_timeout``) goes to an Agent's run.
        """
        if self.is_agent:
            agent_stream: AsyncIterator[LocusEvent] = self.target.run(
                prompt, thread_id=thread_id, **(busy or {})
            )
            return agent_stream
        run = getattr(self.target, "run", None)
        if run is not None and inspect.isasyncgenfunction(run):
            stream: AsyncIterator[LocusEvent] = run(prompt, thread_id=thread_id)
            return stream
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
        if self.is_agent:
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

    def resume(self, thread_id: str, answer: Any) -> AsyncIterator[LocusEvent]:
        """Continue a paused agent thread with ``answer`` (agents only)."""
        if not self.is_agent:
            raise ConfigError("Only an Agent's paused runs can be resumed over HTTP.")
        stream: AsyncIterator[LocusEvent] = self.target.resume(thread_id, answer)
        return stream

    async def resume_invoke(
        self, thread_id: str, answer: Any, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Awaitable :meth:`resume` returning the result."""
        if not self.is_agent:
            raise ConfigError("Only an Agent's paused runs can be resumed over HTTP.")
        result: AgentResult = await self.target.resume_invoke(thread_id, answer, **(busy or {}))
        return result

    async def continue_invoke(
        self, thread_id: str, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Continue an unfinished agent run from its last checkpoint (agents only)."""
        if not self.is_agent:
            raise ConfigError("Only an Agent's unfinished runs can be continued over HTTP.")
        result: AgentResult = await self.target.resume_invoke(thread_id, **(busy or {}))
        return result

    async def load(self, thread_id: str) -> AgentState | None:
        """The thread's latest agent state (agents), else ``None``."""
        if not self.is_agent or self.checkpointer is None:
            return None
        state: AgentState | None = await self.checkpointer.load(thread_id)
        return state


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

    An Agent is served as is; a compiled graph is wrapped in
    :class:`GraphRunnable`; any other object needs ``invoke(prompt)``
    (sync or async) or an async-generator ``run(prompt, thread_id=...)``.

    Raises:
        locus.core.errors.ConfigError: the object can be neither run nor invoked.
    """
    if isinstance(target, Served):
        return target
    if not isinstance(target, Agent | GraphRunnable) and callable(getattr(target, "astream", None)):
        target = GraphRunnable(target)
    if not (callable(getattr(target, "invoke", None)) or callable(getattr(target, "run", None))):
        raise ConfigError(
            f"AgentServer cannot serve {target!r}: pass an Agent, a compiled graph, or an "
            "object with invoke(prompt) or an async run(prompt, thread_id=...)."
        )
    return Served(target)


def monotonic_ms(start: float) -> float:
    """Milliseconds since ``start`` (a ``time.perf_counter()`` value)."""
    return round((time.perf_counter() - start) * 1000, 3)
