""":class:`GraphRunnable`: a compiled graph served like an agent (runs, pauses, resumes)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from locus.agent import AgentResult
from locus.core.command import Command
from locus.core.errors import ConfigError
from locus.core.events import InterruptEvent, LocusEvent, RunStartEvent, TerminateEvent

__all__ = ["GraphRunnable"]

_DEFAULT_BUSY: dict[str, Any] = {}


class GraphRunnable:
    """A compiled graph (or functional entrypoint) served like an agent.

    The prompt goes into state key ``input_key``; the answer is state key
    ``output_key`` (default: the last message's content of a ``messages``
    key, else the whole final state as text). A node that calls
    ``interrupt()`` pauses the run: the server lists it under ``pending`` and
    ``POST /threads/{id}/resume`` answers it (``Command(resume=...)``).

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

    @property
    def checkpointer(self) -> Any:
        """The graph's thread store."""
        return getattr(self.graph, "checkpointer", None)

    @checkpointer.setter
    def checkpointer(self, value: Any) -> None:
        self.graph.checkpointer = value

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

    async def run(
        self,
        prompt: str,
        *,
        thread_id: str | None = None,
        on_busy: Any = "enqueue",
        busy_timeout: float = 60.0,
    ) -> AsyncIterator[LocusEvent]:
        """Run the graph, yielding its typed events, its interrupts, then a ``TerminateEvent``."""
        yield RunStartEvent(run_id="", thread_id=thread_id, agent_name=self.name, prompt=prompt)
        async for event in self.graph.astream(
            {self.input_key: prompt},
            stream_mode="events",
            thread_id=thread_id,
            on_busy=on_busy,
            busy_timeout=busy_timeout,
        ):
            yield event
        snapshot = await self.graph.get_state(thread_id) if thread_id else None
        values: dict[str, Any] = dict(snapshot.values) if snapshot is not None else {}
        interrupts = tuple(snapshot.interrupts) if snapshot is not None else ()
        for value in interrupts:
            yield InterruptEvent(
                interrupt_id=value.interrupt_id, payload=value.payload, node_id=value.node_id
            )
        yield TerminateEvent(
            reason="interrupted" if interrupts else "completed",
            final_message=self._answer(values),
            iterations=snapshot.step if snapshot is not None else 0,
        )

    async def invoke(
        self,
        prompt: str,
        *,
        thread_id: str | None = None,
        on_busy: Any = "enqueue",
        busy_timeout: float = 60.0,
    ) -> AgentResult:
        """Run the graph to the end (or to a pause) and return its answer as an AgentResult."""
        return await self._ainvoke(
            {self.input_key: prompt}, thread_id, {"on_busy": on_busy, "busy_timeout": busy_timeout}
        )

    async def resume(
        self, thread_id: str, interrupt_id: str, answer: Any, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Answer the pending interrupt ``interrupt_id`` of the thread and run on."""
        return await self._ainvoke(
            Command(resume={interrupt_id: answer}), thread_id, busy or _DEFAULT_BUSY
        )

    async def resume_unfinished(
        self, thread_id: str, busy: dict[str, Any] | None = None
    ) -> AgentResult:
        """Continue a run that stopped mid-way (its process died) from its last checkpoint."""
        return await self._ainvoke(None, thread_id, busy or _DEFAULT_BUSY)

    async def _ainvoke(self, inp: Any, thread_id: str | None, busy: dict[str, Any]) -> AgentResult:
        result = await self.graph.ainvoke(
            inp, thread_id=thread_id, raise_on_interrupt=False, **busy
        )
        return AgentResult(
            message=self._answer(dict(result)),
            stop_reason="interrupted" if result.interrupts else "completed",
            iterations=getattr(result, "steps", 0),
            interrupts=[i.model_dump(mode="json") for i in result.interrupts],
            thread_id=thread_id,
        )
