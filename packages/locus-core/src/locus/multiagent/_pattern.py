"""What every multi-agent pattern shares: the Agent surface over a compiled StateGraph.

A pattern (Orchestrator, Swarm, Handoff, Debate) builds one
:class:`~locus.multiagent.graph.StateGraph` whose nodes call Agents. Running,
checkpointing, resuming and events are the graph engine's: a run with a
``thread_id`` is checkpointed after every superstep (and after every finished
task of a parallel step), and a run that crashed is continued by calling the
pattern again with the same ``thread_id``.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, PrivateAttr

from locus.core.events import preview
from locus.multiagent.graph import publish_node_event

if TYPE_CHECKING:
    from locus.agent.result import AgentResult
    from locus.core.events import LocusEvent
    from locus.multiagent.graph import CompiledGraph, DrawableGraph, GraphConfig, StateGraph
    from locus.tools import Tool

__all__ = ["PatternBase", "Replace", "ask", "collect", "emit", "extend", "new_id", "text_preview"]

R = TypeVar("R", bound=BaseModel)

_RECURSION_LIMIT = 10_000  # patterns bound themselves (max_iterations, max_chain, rounds)


class Replace:
    """An update that replaces a reduced value instead of merging (a new run on a used thread)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def collect(current: Any, update: Any) -> dict[str, Any]:
    """Reducer merging dicts key by key."""
    if isinstance(update, Replace):
        return dict(update.value)
    return {**(current or {}), **update}


def extend(current: Any, update: Any) -> list[Any]:
    """Reducer appending lists."""
    if isinstance(update, Replace):
        return list(update.value)
    return [*(current or []), *update]


async def ask(agent: Any, prompt: str) -> Any:
    """Run an agent-like object (Agent, pattern, compiled graph) and return its result."""
    invoke_agent = getattr(agent, "invoke_agent", None)
    if callable(invoke_agent):
        return await invoke_agent(prompt)
    return await agent.invoke(prompt)


class PatternBase(BaseModel, Generic[R]):
    """``execute`` / ``run`` / ``invoke`` / ``run_sync`` / ``as_tool`` for a pattern.

    Subclasses define :meth:`_build` (the graph), :meth:`_input` (the first
    state of a run), :meth:`_result` (the typed result from the final state)
    and :meth:`_prepare` (per-run context such as concurrency limits).
    """

    _compiled: CompiledGraph | None = PrivateAttr(default=None)
    _compiled_for: Any = PrivateAttr(default=None)

    # -- what a pattern defines ------------------------------------------------------

    def _build(self) -> StateGraph:
        raise NotImplementedError

    def _input(self, task: str) -> dict[str, Any]:
        raise NotImplementedError

    def _result(self, values: dict[str, Any], duration_ms: float) -> R:
        raise NotImplementedError

    def _text(self, result: R) -> str:
        return str(getattr(result, "summary", "") or "")

    def _configurable(self) -> dict[str, Any]:
        """Per-run values nodes read from ``config["configurable"]`` (limits, semaphores)."""
        return {}

    def _config(self) -> GraphConfig:
        from locus.multiagent.graph import GraphConfig

        return GraphConfig(recursion_limit=_RECURSION_LIMIT, configurable=self._configurable())

    # -- the graph ---------------------------------------------------------------------

    def compiled(self) -> CompiledGraph:
        """The pattern's compiled graph (built once per checkpointer)."""
        checkpointer = getattr(self, "checkpointer", None)
        compiled = self._compiled
        # a model_copy() shares private attributes: its graph would call the original's nodes
        key = (id(self), id(checkpointer))
        if compiled is None or self._compiled_for != key:
            name = str(getattr(self, "name", type(self).__name__))
            compiled = self._build().compile(checkpointer, name=name, durable_tasks=True)
            self._compiled = compiled
            self._compiled_for = key
        return compiled

    def get_graph(self) -> DrawableGraph:
        """The pattern's structure with its agents, for :mod:`locus.multiagent.visualize`.

        ``compiled().get_graph()`` draws the underlying engine graph instead.
        """
        return self.compiled().get_graph()

    async def _first_input(
        self,
        graph: CompiledGraph,
        task: str,
        thread_id: str | None,
        inp: dict[str, Any] | None = None,
    ) -> Any:
        inp = self._input(task) if inp is None else inp
        if thread_id is not None:
            snapshot = await graph.get_state(thread_id)
            if snapshot is not None:
                if snapshot.status == "running" and snapshot.next:
                    return None  # a run of this thread stopped mid-way: continue it
                reducers = graph.schema.reducers  # a finished thread: start this run afresh
                return {k: Replace(v) if k in reducers else v for k, v in inp.items()}
        return inp

    # -- running -------------------------------------------------------------------------

    async def execute(self, task: str, *, thread_id: str | None = None) -> R:
        """Run the pattern on ``task`` and return its typed result.

        With ``thread_id`` every step is checkpointed; if the thread holds a
        run that stopped mid-way (a crash), that run is continued and work
        already recorded is not done again.
        """
        graph = self.compiled()
        started = time.perf_counter()
        inp = await self._first_input(graph, task, thread_id)
        values = await graph.ainvoke(inp, thread_id=thread_id, config=self._config())
        return self._result(dict(values), (time.perf_counter() - started) * 1000.0)

    async def invoke(self, prompt: Any, *, thread_id: str | None = None) -> AgentResult:
        """Run like an Agent: an ``AgentResult`` whose ``structured_output`` is the typed result."""
        from locus.agent.result import AgentResult

        result = await self.execute(str(prompt), thread_id=thread_id)
        return AgentResult(
            message=self._text(result),
            stop_reason=f"{type(self).__name__.lower()}_completed",
            structured_output=result,
            thread_id=thread_id,
        )

    async def run(self, prompt: Any, *, thread_id: str | None = None) -> AsyncIterator[LocusEvent]:
        """Run, yielding the graph's events (pattern events included), then a ``TerminateEvent``."""
        from locus.core.events import TerminateEvent

        graph = self.compiled()
        started = time.perf_counter()
        inp = await self._first_input(graph, str(prompt), thread_id)
        run = await graph._start(inp, thread_id, self._config(), None)
        async for _, event in run.iterate("events"):
            yield event
        result = self._result(dict(run.values), (time.perf_counter() - started) * 1000.0)
        yield TerminateEvent(
            reason=f"{type(self).__name__.lower()}_completed",
            final_message=self._text(result),
            iterations=run.step,
        )

    def run_sync(self, prompt: Any, *, thread_id: str | None = None) -> AgentResult:
        """Blocking :meth:`invoke` (works inside a running event loop too)."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.invoke(prompt, thread_id=thread_id))

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This pattern as a tool an agent can call with a ``prompt``."""
        from locus.tools import Tool

        pattern = self
        label = str(getattr(self, "name", type(self).__name__))

        async def run_pattern(prompt: str) -> str:
            """Delegate a task.

            Args:
                prompt: The task, in plain language, with everything needed.
            """
            return (await pattern.invoke(prompt)).message

        tool_name = name or "".join(c if c.isalnum() else "_" for c in label).strip("_").lower()
        return Tool(
            run_pattern,
            name=tool_name or "pattern",
            description=description or str(getattr(self, "description", "") or f"Run {label}."),
        )


def emit(event_type: str, **data: Any) -> None:
    """Report a pattern event from inside a graph node (bus + ``run`` stream)."""
    publish_node_event(event_type, **data)


def text_preview(text: Any) -> str:
    """A short preview of ``text`` for event data."""
    return preview(str(text))


def new_id(prefix: str) -> str:
    """A short random id: ``prefix-1a2b3c4d``."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"
