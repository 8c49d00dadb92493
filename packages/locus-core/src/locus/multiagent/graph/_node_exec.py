"""How a graph run executes one node: interrupt scope, sync/async call, cache, timing.

:class:`NodeExecution` is the part of :class:`~locus.multiagent.graph._exec.Run`
that runs a single task's node; the superstep loop and routing stay in
``_exec``.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from typing import TYPE_CHECKING, Any, Protocol

from locus.core.interrupt import (
    InterruptException,
    InterruptScope,
    enter_interrupt_scope,
    exit_interrupt_scope,
)
from locus.multiagent.graph._events import (
    completed_event,
    graph_event,
)
from locus.multiagent.graph._shape import GraphShape
from locus.multiagent.graph._tasks import NODE, NodeContext, Out, Task, to_out

if TYPE_CHECKING:
    from locus.core.events import LocusEvent
    from locus.core.interrupt import InterruptHandler
    from locus.multiagent.graph._nodes import NodeSpec

__all__ = ["NodeExecution", "NodeHost"]


class NodeHost(GraphShape, Protocol):
    """What running a node needs of the compiled graph: its shape and its node cache."""

    def _cache_get(self, key: str) -> Out | None: ...

    def _cache_put(self, key: str, out: Out, ttl: float | None) -> None: ...


class NodeExecution:
    """Node-level execution of a graph run (mixed into ``Run``)."""

    graph: NodeHost
    values: dict[str, Any]
    step: int
    config: dict[str, Any]
    handler: InterruptHandler | None
    resumes: dict[str, list[Any]]
    subgraphs: dict[str, dict[str, Any]]
    idle_scopes: dict[str, InterruptScope]
    events: list[LocusEvent] | None

    def _enter(self, task: Task, spec: NodeSpec, inline: bool = False) -> Any:
        # Every run of a node opens its scope (also the first run): it is what
        # get_current_node_id()/get_current_graph_id() read, and it hides an
        # enclosing scope's answers from the node. A sync node run inline
        # (nothing else runs on the loop until it returns) without answers
        # reuses one scope per node of the compiled graph (its ``calls`` reset
        # on entry), so the first-run cost is a ContextVar set/reset.
        resumes = self.resumes.get(task.key)
        scope: InterruptScope | None = None
        if resumes:
            scope = InterruptScope(spec.name, self.graph.name, list(resumes))
        elif inline:
            scope = self.idle_scopes.get(spec.name)
            if scope is None:
                scope = self.idle_scopes[spec.name] = InterruptScope(spec.name, self.graph.name)
            else:
                scope.calls = 0
        else:
            scope = InterruptScope(spec.name, self.graph.name)
        return enter_interrupt_scope(scope)

    def _call(self, task: Task, spec: NodeSpec) -> Any:
        inp = task.payload if task.is_send else self.graph.schema.view(self.values)
        if spec.takes_config:
            return spec.fn(inp, config=self.config)
        return spec.fn(inp)

    async def _finish(self, task: Task, awaitable: Any, started: float) -> Out:
        token = self._enter(task, self.graph.nodes[task.node])
        try:
            out = to_out(await awaitable)
        finally:
            if token is not None:
                exit_interrupt_scope(token)
        if self.events is not None:
            self.events.append(completed_event(task, out, self.step, started))
        return out

    def _exec_sync(self, task: Task, spec: NodeSpec) -> Any:
        """Run a sync node inline: an :class:`Out`, or a coroutine when it returned an awaitable."""
        events = self.events
        if events is not None:
            events.append(
                graph_event("multiagent.graph.node.started", node=task.node, step=self.step)
            )
            started = time.perf_counter()
        scope = self.idle_scopes.get(spec.name)
        if scope is None or task.key in self.resumes:
            token = self._enter(task, spec, inline=True)
        else:  # the common case, kept to a dict lookup and a ContextVar set/reset
            scope.calls = 0
            token = enter_interrupt_scope(scope)
        try:
            result = self._call(task, spec)
        finally:
            exit_interrupt_scope(token)
        if inspect.isawaitable(result):  # a sync callable returning an awaitable
            return self._finish(task, result, started if events is not None else 0.0)
        out = to_out(result)
        if events is not None:
            events.append(completed_event(task, out, self.step, started))
        return out

    async def _exec(self, task: Task, spec: NodeSpec) -> Out:
        if not spec.is_async and spec.retry is None and spec.cache is None:
            out = self._exec_sync(task, spec)
            return out if type(out) is Out else await out
        cache = spec.cache
        key = None
        if cache is not None:
            inp = task.payload if task.is_send else self.values
            key = f"{spec.name}:{cache.key_func(inp)}"
            hit = self.graph._cache_get(key)
            if hit is not None:
                if self.events is not None:
                    self.events.append(
                        graph_event("multiagent.graph.node.cached", node=spec.name, step=self.step)
                    )
                return hit
        attempt = 0
        events = self.events
        while True:
            attempt += 1
            if events is not None:
                events.append(
                    graph_event("multiagent.graph.node.started", node=task.node, step=self.step)
                )
            started = time.perf_counter()
            token = self._enter(task, spec)
            node_token = None
            if spec.kind != "function":
                ctx = NodeContext(
                    task.node, self.step, events, self.handler, self.subgraphs.get(task.key)
                )
                node_token = NODE.set(ctx)
            try:
                result = self._call(task, spec)
                if inspect.isawaitable(result):
                    result = await result
            except InterruptException:
                raise
            except Exception as exc:
                wait = spec.retry.retry_delay(exc, attempt) if spec.retry is not None else None
                if wait is None:
                    raise
                if events is not None:
                    events.append(
                        graph_event(
                            "multiagent.graph.node.retry",
                            node=spec.name,
                            attempt=attempt,
                            error=repr(exc),
                        )
                    )
                await asyncio.sleep(wait)
                continue
            finally:
                if token is not None:
                    exit_interrupt_scope(token)
                if node_token is not None:
                    NODE.reset(node_token)
            out = to_out(result)
            if events is not None:
                events.append(completed_event(task, out, self.step, started))
            if key is not None:
                self.graph._cache_put(key, out, cache.ttl if cache else None)
            return out
