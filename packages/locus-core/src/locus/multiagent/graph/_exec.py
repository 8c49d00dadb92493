"""The superstep executor.

Each superstep runs its tasks (sync nodes inline, async nodes concurrently),
merges their updates in task order (node names sorted, then ``Send`` s in the
order they were emitted), then routes. The hot path avoids per-step
validation, deep copies and task creation for single nodes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Protocol

from locus.core.errors import CheckpointConflictError, RunSupersededError, ValidationError
from locus.core.interrupt import (
    InterruptException,
    InterruptScope,
    InterruptValue,
)
from locus.core.reducers import reduce_into
from locus.core.send import Send
from locus.multiagent.graph._events import (
    CUSTOM_EVENT,
    STEP_EVENTS,
    routed_events,
)
from locus.multiagent.graph._node_exec import NodeExecution, NodeHost
from locus.multiagent.graph._position import answer_position
from locus.multiagent.graph._tasks import Out, SubgraphInterrupt, Task
from locus.multiagent.graph._types import END, GraphEvent, GraphRecursionError

if TYPE_CHECKING:
    from locus.checkpoint._thread_run import ThreadRun
    from locus.core.events import LocusEvent
    from locus.core.interrupt import InterruptHandler
    from locus.multiagent.graph._shape import Branch

__all__ = ["Run", "RunnableGraph"]

_NODE_LIFECYCLE = frozenset(
    {
        "multiagent.graph.node.started",
        "multiagent.graph.node.completed",
        "multiagent.graph.node.routed",
    }
)


class RunnableGraph(NodeHost, Protocol):
    """What a :class:`Run` needs of the compiled graph it executes."""

    static: dict[str, list[str]]
    joins_by_source: dict[str, list[int]]
    durable_tasks: bool
    _idle_scopes: dict[str, InterruptScope]

    async def _save(self, run: Run, status: str, outs: list[Out] | None) -> None: ...

    async def eval_branch(self, source: str, branch: Branch, view: Any) -> list[Any]: ...

    def check_targets(self, names: set[str], sends: list[Send]) -> None: ...


_NO_FAIL_SAVE = (InterruptException, RunSupersededError, CheckpointConflictError)


class Run(NodeExecution):
    """One invocation of a compiled graph, from a fresh or a checkpointed position."""

    graph: RunnableGraph

    def __init__(
        self,
        graph: RunnableGraph,
        values: dict[str, Any],
        tasks: list[Task],
        *,
        step: int,
        limit: int,
        config: dict[str, Any],
        handler: InterruptHandler | None,
        completed: dict[str, Out] | None = None,
        resumes: dict[str, list[Any]] | None = None,
        joins: list[set[str]] | None = None,
    ) -> None:
        self.graph = graph
        self.values = values
        self.tasks = tasks
        self.step = step
        self.limit = limit
        self.config = config
        self.handler = handler
        self.completed = completed or {}
        self.resumes = resumes or {}
        self.joins = joins if joins is not None else [set() for _ in graph.joins]
        self.subgraphs: dict[str, dict[str, Any]] = {}
        self.embedded = False
        self.interrupts: list[tuple[str, InterruptValue]] = []
        self.idle_scopes = graph._idle_scopes
        """Reused scopes of sync nodes run inline without answers (see ``_enter``)."""
        self.events: list[LocusEvent] | None = None
        self.thread_id: str | None = None
        self.checkpoint_id: str | None = None
        self.save_lock: asyncio.Lock | None = None
        self.error: dict[str, Any] | None = None
        self.owner: ThreadRun | None = None
        """The run's hold on its thread (compare-and-set saves), when it has one."""

    # -- the loop --------------------------------------------------------------------

    async def iterate(self, mode: str | None) -> AsyncIterator[tuple[str, Any]]:
        """Run supersteps until END, an interrupt or an error; yield stream items for ``mode``."""
        graph = self.graph
        schema = graph.schema
        reducers = schema.reducers
        check_keys = schema.check_keys if schema.keys is not None else None
        from locus.observability import current_run_id, emit

        bus = current_run_id() is not None
        if mode in _EVENT_MODES or bus:
            self.events = []
        try:
            while self.tasks:
                tasks = self.tasks
                if self.step >= self.limit:
                    raise GraphRecursionError(self.limit, [t.node for t in tasks])
                outs = await self._run_step(tasks)
                if self.events:
                    for event in self.events:
                        if bus and not _wrapped(event):  # an Agent publishes its own events
                            emit(event.event_type, event.bus_data())
                        if mode is not None and mode in _EVENT_MODES:
                            item = _stream_item(mode, event)
                            if item is not None:
                                yield (mode, item)
                    self.events.clear()
                if self.interrupts:
                    await graph._save(self, "interrupted", outs)
                    if bus:
                        first = self.interrupts[0][1]
                        emit(
                            "multiagent.graph.interrupted",
                            node=first.node_id,
                            interrupt_id=first.interrupt_id,
                            payload=first.payload,
                        )
                    return
                values = self.values
                for task, out in zip(tasks, outs, strict=True):
                    update = out.update
                    if not update:
                        continue
                    if check_keys is not None:
                        check_keys(update, f"node {task.node!r}")
                    reduce_into(values, update, reducers)
                if mode == "updates":
                    for task, out in zip(tasks, outs, strict=True):
                        yield ("updates", {task.node: out.update})
                self.tasks = await self._route(tasks, outs)
                self.completed = {}
                self.resumes = {}
                self.subgraphs = {}
                self.step += 1
                if self.events is not None:
                    for ev in routed_events(tasks, self.tasks, self.step):
                        if bus:
                            emit(ev.event_type, ev.data)
                        if mode is not None and mode in _EVENT_MODES:
                            item = _stream_item(mode, ev)
                            if item is not None:
                                yield (mode, item)
                await graph._save(self, "running" if self.tasks else "completed", None)
                if mode == "values":
                    yield ("values", dict(values))
            if bus:
                emit("multiagent.graph.completed", graph=graph.name, steps=self.step)
        except Exception as exc:
            # a run stopped by a newer one, or that lost its thread, must not write again
            if not isinstance(
                exc, InterruptException | RunSupersededError | CheckpointConflictError
            ):
                await self._fail(exc)
            raise

    async def _fail(self, exc: Exception) -> None:
        """Checkpoint the run as ``failed`` with the error (the step can be retried)."""
        from locus.core.errors import LocusError

        self.error = {
            "kind": exc.kind if isinstance(exc, LocusError) else type(exc).__name__,
            "message": str(exc)[:2000],
            "node": getattr(exc, "locus_node", None),
        }
        with contextlib.suppress(Exception):  # keep the node's error, not a save error
            await self.graph._save(self, "failed", None)

    # -- running tasks -----------------------------------------------------------------

    async def _run_step(self, tasks: list[Task]) -> list[Out]:
        events = self.events
        if events is None and STEP_EVENTS.get() is None:
            return await self._run_tasks(tasks)
        token = STEP_EVENTS.set(events)
        try:
            return await self._run_tasks(tasks)
        finally:
            STEP_EVENTS.reset(token)

    async def _run_tasks(self, tasks: list[Task]) -> list[Out]:
        outs: list[Out | None] = [self.completed.get(t.key) for t in tasks]
        pending = [i for i, o in enumerate(outs) if o is None]
        nodes = self.graph.nodes
        while True:
            errors: list[tuple[int, BaseException]] = []
            if len(pending) == 1:
                i = pending[0]
                try:
                    outs[i] = await self._exec(tasks[i], nodes[tasks[i].node])
                except BaseException as exc:  # sorted out below
                    errors.append((i, exc))
            else:
                coros: list[tuple[int, Any]] = []
                for i in pending:
                    spec = nodes[tasks[i].node]
                    if spec.is_async or spec.retry is not None or spec.cache is not None:
                        coros.append((i, self._exec(tasks[i], spec)))
                        continue
                    try:
                        res = self._exec_sync(tasks[i], spec)
                    except BaseException as exc:
                        errors.append((i, exc))
                        continue
                    if type(res) is Out:
                        outs[i] = res
                    else:
                        coros.append((i, res))
                if coros:
                    if self.graph.durable_tasks and self.thread_id is not None:
                        coros = [(i, self._durable(tasks[i], c)) for i, c in coros]
                    results = await asyncio.gather(*(c for _, c in coros), return_exceptions=True)
                    for (i, _), res in zip(coros, results, strict=True):
                        if isinstance(res, BaseException):
                            errors.append((i, res))
                        else:
                            outs[i] = res
            errors.sort(key=lambda e: e[0])
            interrupts: list[tuple[int, InterruptValue]] = []
            for i, error in errors:
                if not isinstance(error, InterruptException):
                    raise _named(error, tasks[i].node)
                if isinstance(error, SubgraphInterrupt):
                    self.subgraphs[tasks[i].key] = error.position
                    interrupts.extend((i, v) for v in error.values)
                    continue
                value = error.value
                if value.node_id is None:
                    value.node_id = tasks[i].node
                if value.graph_id is None:
                    value.graph_id = self.graph.name
                interrupts.append((i, value))
            if not interrupts:
                return outs  # type: ignore[return-value]
            answered = await self._answer(tasks, interrupts)
            if answered is None:
                self.completed = {
                    t.key: o for t, o in zip(tasks, outs, strict=True) if o is not None
                }
                self.interrupts = [(tasks[i].key, v) for i, v in interrupts]
                return [o if o is not None else Out({}) for o in outs]
            pending = answered

    async def _durable(self, task: Task, coro: Any) -> Out:
        """Run one task of a multi-task step and checkpoint its result as soon as it is in.

        A run that crashes later in the step resumes without re-running it.
        """
        out: Out = await coro
        self.completed[task.key] = out
        if self.save_lock is None:
            self.save_lock = asyncio.Lock()
        async with self.save_lock:
            await self.graph._save(self, "running", None)
        return out

    async def _answer(
        self, tasks: list[Task], interrupts: list[tuple[int, InterruptValue]]
    ) -> list[int] | None:
        handler = self.handler
        if handler is None:
            return None
        answers: list[tuple[int, Any]] = []
        for i, value in interrupts:
            if not await handler.can_handle(value):
                return None
            answers.append((i, await handler.handle(value)))
        for (i, answer), (_, value) in zip(answers, interrupts, strict=True):
            self.record_answer(tasks[i].key, value.interrupt_id, answer)
        return list(dict.fromkeys(i for i, _ in answers))

    def record_answer(self, key: str, interrupt_id: str, answer: Any) -> None:
        """Record ``answer`` for the interrupt ``interrupt_id`` raised by task ``key``."""
        position = self.subgraphs.get(key)
        if position is None or not answer_position(position, interrupt_id, answer):
            self.resumes.setdefault(key, []).append(answer)

    # -- routing ---------------------------------------------------------------------

    async def _route(self, tasks: list[Task], outs: list[Out]) -> list[Task]:
        graph = self.graph
        names: set[str] = set()
        sends: list[Send] = []
        view: Any = None
        for task, out in zip(tasks, outs, strict=True):
            if out.end:
                return []
            if out.goto is not None:
                targets: list[Any] = out.goto
            else:
                targets = graph.static.get(task.node, [])
                branches = graph.branches.get(task.node)
                if branches:
                    if view is None:
                        view = graph.schema.view(self.values)
                    targets = list(targets)
                    for branch in branches:
                        targets.extend(await graph.eval_branch(task.node, branch, view))
            for target in targets:
                if type(target) is str:
                    if target != END:
                        names.add(target)
                elif isinstance(target, Send):
                    sends.append(target)
                else:
                    raise ValidationError(
                        f"node {task.node!r} routed to {target!r}; expected a node name or a Send"
                    )
            for index in graph.joins_by_source.get(task.node, ()):
                seen = self.joins[index]
                seen.add(task.node)
                sources, target = graph.joins[index]
                if len(seen) == len(sources):
                    seen.clear()
                    if target != END:
                        names.add(target)
        graph.check_targets(names, sends)
        nxt = [Task(n, n) for n in sorted(names)] if len(names) > 1 else [Task(n, n) for n in names]
        for j, item in enumerate(sends):
            nxt.append(Task(item.node, f"{item.node}:{j}", True, item.payload))
        return nxt


_EVENT_MODES = frozenset({"events", "debug", "custom", "nodes"})


def _wrapped(event: LocusEvent) -> bool:
    """Whether ``event`` wraps an Agent node's own event (which the Agent published already)."""
    return isinstance(event, GraphEvent) and event.event is not None


def _stream_item(mode: str, event: LocusEvent) -> Any:
    """What ``astream`` yields for ``event`` in an event-based ``mode`` (``None``: nothing)."""
    if mode == "custom":
        if isinstance(event, GraphEvent) and event.event_type == CUSTOM_EVENT:
            return event.data.get("data")
        return None
    if mode == "nodes":
        return event if event.event_type in _NODE_LIFECYCLE else None
    return event


def _named(error: BaseException, node: str) -> BaseException:
    """``error`` with the node that raised it attached (``locus_node``) and noted."""
    if getattr(error, "locus_node", None) is None:
        with contextlib.suppress(AttributeError, TypeError):
            error.locus_node = node  # type: ignore[attr-defined]
            error.add_note(f"raised by graph node {node!r}")
    return error
