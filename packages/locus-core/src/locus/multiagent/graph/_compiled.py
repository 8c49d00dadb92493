"""The runnable graph: :class:`CompiledGraph`."""

from __future__ import annotations

import contextlib
import inspect
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from locus.checkpoint._thread_run import DEFAULT_BUSY_TIMEOUT, OnBusy, ThreadRun, check_on_busy
from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.interrupt import (
    InterruptHandler,
    InterruptScope,
)
from locus.core.send import Send
from locus.multiagent.graph._agent import GraphAgentSurface
from locus.multiagent.graph._draw import DrawableGraph
from locus.multiagent.graph._exec import Run
from locus.multiagent.graph._launch import finish_run, resume_run, start_run
from locus.multiagent.graph._persist import (
    dump_position,
    dump_run,
    load_position,
    load_raw_position,
)
from locus.multiagent.graph._tasks import NodeContext, Out
from locus.multiagent.graph._types import (
    END,
    GraphConfig,
    GraphResult,
    StateSnapshot,
    StreamMode,
    check_recursion_limit,
)

if TYPE_CHECKING:
    from locus.multiagent.graph._shape import Blueprint, Branch

__all__ = ["CompiledGraph"]

_STREAM_MODES = ("updates", "values", "events", "nodes", "custom", "debug")


class CompiledGraph(GraphAgentSurface):
    """A validated graph you can run; also usable wherever an Agent is.

    Create with :meth:`StateGraph.compile`. As in LangGraph, :meth:`invoke`
    and :meth:`stream` block, :meth:`ainvoke` and :meth:`astream` are async
    (:meth:`execute` is :meth:`ainvoke` under the original locus name).
    :meth:`run`, :meth:`run_sync`
    and :meth:`as_tool` give it the Agent surface (text in, events/result out).

    Graph state values must be JSON-serialisable (pydantic models and
    ``Message`` s are fine) when a run uses a ``thread_id``: each superstep is
    checkpointed.
    """

    def __init__(
        self,
        builder: Blueprint,
        *,
        checkpointer: Any,
        interrupt_handler: InterruptHandler | None,
        name: str,
        recursion_limit: int | None,
        durable_tasks: bool = False,
    ) -> None:
        self.builder = builder
        self.name = name
        self.schema = builder.schema
        self.nodes = dict(builder.nodes)
        self.static: dict[str, list[str]] = {}
        for a, b in builder.edges:
            self.static.setdefault(a, []).append(b)
        self.branches: dict[str, list[Branch]] = {k: list(v) for k, v in builder.branches.items()}
        self.joins = list(builder.joins)
        self.joins_by_source: dict[str, list[int]] = {}
        for index, (sources, _) in enumerate(self.joins):
            for source in sources:
                self.joins_by_source.setdefault(source, []).append(index)
        self.checkpointer = checkpointer
        self.interrupt_handler = interrupt_handler
        if recursion_limit is not None:
            check_recursion_limit(recursion_limit)
        self.recursion_limit = recursion_limit
        self.durable_tasks = durable_tasks
        self._cache: dict[str, tuple[Out, float | None]] = {}
        self._idle_scopes: dict[str, InterruptScope] = {}
        """Reused interrupt scopes of sync nodes run inline without answers (``_exec``)."""

    def __repr__(self) -> str:
        return f"CompiledGraph(name={self.name!r}, nodes={list(self.nodes)})"

    # -- running -------------------------------------------------------------------

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
    ) -> GraphResult:
        """Run the graph to END (or to an interrupt) and return the final state.

        Args:
            input: A dict of state values (or a state model instance, or a str
                for a ``messages``/``input`` schema); ``Command(resume=...)``
                to resume a paused thread; ``None`` to continue a thread.
            thread_id: Checkpoint thread: the run continues its state and
                each superstep is saved to it.
            config: A :class:`GraphConfig` (or dict): recursion limit, values
                for nodes' ``config`` parameter.
            interrupt_handler: Answers interrupts for this run.
            raise_on_interrupt: Raise :class:`GraphInterrupted` when paused
                (default); with ``False`` return the state with ``.interrupts`` set.
            on_busy: What to do when ``thread_id`` has an active run:
                ``"enqueue"`` (default, wait), ``"reject"``, ``"interrupt"`` or
                ``"rollback"`` (as ``Agent.run``; see docs/concurrency.md).
            busy_timeout: Seconds to wait for a busy thread.

        Raises:
            locus.core.errors.ThreadBusyError: the thread stayed busy (see ``on_busy``).
            locus.core.errors.CheckpointConflictError: a ``Command(resume=...)``
                lost to another resume of the same pause (the paused node ran once,
                for the winner).
            GraphInterrupted: a node called ``interrupt()`` and nobody answered it.
            GraphRecursionError: more supersteps than the recursion limit.
            locus.core.errors.ValidationError: bad input or an unknown state key.
        """
        async with self.hold_thread(input, thread_id, config, on_busy, busy_timeout) as owner:
            run = await self._start(input, thread_id, config, interrupt_handler, owner)
            async for _ in run.iterate(None):
                pass
            return finish_run(run, raise_on_interrupt)

    def invoke(
        self,
        input: Any,
        *,
        thread_id: str | None = None,
        config: GraphConfig | dict[str, Any] | None = None,
        interrupt_handler: InterruptHandler | None = None,
        raise_on_interrupt: bool = True,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> GraphResult:
        """Blocking :meth:`ainvoke` (works inside a running event loop too)."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(
            lambda: self.ainvoke(
                input,
                thread_id=thread_id,
                config=config,
                interrupt_handler=interrupt_handler,
                raise_on_interrupt=raise_on_interrupt,
                on_busy=on_busy,
                busy_timeout=busy_timeout,
            )
        )

    invoke_sync = invoke
    """Alias of :meth:`invoke`."""

    execute = ainvoke
    """:meth:`ainvoke` under the original locus name."""

    def stream(
        self,
        input: Any,
        *,
        stream_mode: str | StreamMode = "updates",
        thread_id: str | None = None,
        config: GraphConfig | dict[str, Any] | None = None,
        interrupt_handler: InterruptHandler | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> Iterator[Any]:
        """Blocking :meth:`astream`: iterate the items from sync code."""
        from locus.agent._sync import iterate_sync

        return iterate_sync(
            self.astream(
                input,
                stream_mode=stream_mode,
                thread_id=thread_id,
                config=config,
                interrupt_handler=interrupt_handler,
                on_busy=on_busy,
                busy_timeout=busy_timeout,
            )
        )

    async def astream(
        self,
        input: Any,
        *,
        stream_mode: str | StreamMode = "updates",
        thread_id: str | None = None,
        config: GraphConfig | dict[str, Any] | None = None,
        interrupt_handler: InterruptHandler | None = None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AsyncIterator[Any]:
        """Stream a run.

        Args:
            stream_mode: A :class:`StreamMode` or its value. ``"updates"``:
                ``{node: update}`` per node and step; ``"values"``: the full
                state after each step; ``"events"``/``"debug"``: every
                :class:`GraphEvent` (``multiagent.graph.*``, the events nodes
                report, Agent nodes' own events wrapped); ``"nodes"``: node
                started/completed/routed events only; ``"custom"``: the values
                nodes pass to :func:`emit_custom`.
            on_busy: As :meth:`ainvoke`.
            busy_timeout: As :meth:`ainvoke`.

        A paused run ends the stream (``values`` mode yields the state first);
        use :meth:`get_state` to see the interrupt.
        """
        if stream_mode not in _STREAM_MODES:
            raise ValidationError(
                f"stream_mode must be one of {_STREAM_MODES}, got {stream_mode!r}"
            )
        async with self.hold_thread(input, thread_id, config, on_busy, busy_timeout) as owner:
            run = await self._start(input, thread_id, config, interrupt_handler, owner)
            async for _, item in run.iterate(
                str(stream_mode.value if isinstance(stream_mode, StreamMode) else stream_mode)
            ):
                yield item

    async def get_state(self, thread_id: str) -> StateSnapshot | None:
        """The thread's latest checkpointed graph state, or ``None``."""
        checkpointer = self._checkpointer()
        load_with_id = getattr(checkpointer, "load_with_id", None)
        checkpoint_id: str | None = None
        if load_with_id is not None:
            found = await load_with_id(thread_id)
            state = None if found is None else found[0]
            checkpoint_id = None if found is None else found[1]
        else:
            state = await checkpointer.load(thread_id)
        if state is None:
            return None
        position = load_position(self, state)
        return StateSnapshot(
            values=position["values"],
            next=tuple(t.node for t in position["tasks"]),
            step=position["step"],
            interrupts=tuple(v for _, v in position["interrupts"]),
            status=position["status"],
            checkpoint_id=checkpoint_id,
        )

    def get_graph(self) -> DrawableGraph:
        """The graph's structure, for rendering (``get_graph().draw_mermaid()``)."""
        return DrawableGraph.from_compiled(self)

    # -- executor hooks --------------------------------------------------------------

    async def eval_branch(self, source: str, branch: Branch, view: Any) -> list[Any]:
        """Evaluate a conditional edge into a list of node names / Sends."""
        result = branch.path(view)
        if inspect.isawaitable(result):
            result = await result
        items = result if isinstance(result, list | tuple) else [result]
        if branch.path_map is None:
            return [i for i in items if i is not None]
        out: list[Any] = []
        for item in items:
            if isinstance(item, Send):
                out.append(item)
                continue
            try:
                out.append(branch.path_map[item])
            except (KeyError, TypeError):
                if item == END:
                    out.append(END)
                    continue
                raise ValidationError(
                    f"conditional edge from {source!r} returned {item!r}, which is not in its "
                    f"path_map {sorted(map(str, branch.path_map))}"
                ) from None
        return out

    def check_targets(self, names: set[str], sends: list[Send]) -> None:
        """Raise on routing to nodes that do not exist."""
        nodes = self.nodes
        unknown = [n for n in names if n not in nodes] + [
            s.node for s in sends if s.node not in nodes
        ]
        if unknown:
            raise ValidationError(
                f"routing to unknown node(s) {sorted(set(unknown))}; "
                f"known nodes are {sorted(nodes)}"
            )

    def _cache_get(self, key: str) -> Out | None:
        entry = self._cache.get(key)
        if entry is None:
            return None
        out, expires = entry
        if expires is not None and time.monotonic() >= expires:
            del self._cache[key]
            return None
        return out

    def _cache_put(self, key: str, out: Out, ttl: float | None) -> None:
        self._cache[key] = (out, None if ttl is None else time.monotonic() + ttl)

    def _checkpointer(self) -> Any:
        if self.checkpointer is None:
            from locus.checkpoint.memory import MemoryCheckpointer

            self.checkpointer = MemoryCheckpointer()
        return self.checkpointer

    async def run_embedded(self, input: dict[str, Any], ctx: NodeContext | None) -> Run:
        """Run as a node of a parent graph, without a checkpoint of its own.

        A paused run comes back with ``interrupts`` set; the parent stores its
        position and hands it back (``ctx.position``, answers recorded in it)
        to resume where it stopped.
        """
        handler = (ctx.handler if ctx is not None else None) or self.interrupt_handler
        if ctx is not None and ctx.position is not None:
            limit = self.recursion_limit or GraphConfig().recursion_limit
            node_config: dict[str, Any] = {
                "thread_id": None,
                "graph": self.name,
                "configurable": {},
            }
            position = load_raw_position(self, ctx.position)
            run = resume_run(self, None, position, None, limit, node_config, handler)
        else:
            run = await self._start(input, None, None, handler)
        run.embedded = True
        async for _ in run.iterate(None):
            pass
        return run

    def paused_position(self, run: Run) -> dict[str, Any]:
        """The saved position (JSON) of an embedded run that paused, for its parent to keep."""
        return dump_position(self, run, "interrupted")

    @contextlib.asynccontextmanager
    async def hold_thread(
        self,
        input: Any,
        thread_id: str | None,
        config: GraphConfig | dict[str, Any] | None,
        on_busy: OnBusy = "enqueue",
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
    ) -> AsyncIterator[ThreadRun | None]:
        """Own the run's thread for the duration (``None`` when the run has no thread).

        A ``Command(resume=...)`` pins the pause it answers (see
        :class:`~locus.checkpoint.ThreadRun` ``pin_head``).
        """
        check_on_busy(on_busy, busy_timeout)
        thread = thread_id or GraphConfig.coerce(config).thread_id
        if not thread:
            yield None
            return
        pin = isinstance(input, Command) and input.resume is not None
        owner = ThreadRun(
            self._checkpointer(), thread, on_busy=on_busy, busy_timeout=busy_timeout, pin_head=pin
        )
        async with owner:
            yield owner

    async def _save(self, run: Run, status: str, outs: list[Out] | None) -> None:
        if run.embedded:
            return
        if run.thread_id is None:
            if status != "interrupted":
                return
            run.thread_id = f"graph-{uuid.uuid4().hex[:12]}"
        state = dump_run(self, run, status)
        if run.owner is not None:
            run.checkpoint_id = await run.owner.save(state)
        else:
            run.checkpoint_id = await self._checkpointer().save(state, run.thread_id)

    async def _start(
        self,
        input: Any,
        thread_id: str | None,
        config: GraphConfig | dict[str, Any] | None,
        handler: InterruptHandler | None,
        owner: ThreadRun | None = None,
    ) -> Run:
        return await start_run(self, input, thread_id, config, handler, owner)
