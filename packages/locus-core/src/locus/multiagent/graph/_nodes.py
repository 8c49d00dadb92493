"""Graph nodes: plain callables, Agents and compiled subgraphs behind one shape."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from locus.core.errors import ValidationError
from locus.multiagent.graph._tasks import SubgraphInterrupt, current_node
from locus.multiagent.graph._types import CachePolicy, GraphEvent, RetryPolicy

if TYPE_CHECKING:
    from locus.multiagent.graph._schema import StateSchema

__all__ = ["NODE_EVENT", "NodeSpec", "make_node", "node_name"]

NODE_EVENT = "multiagent.graph.node.event"
"""``event_type`` of a :class:`GraphEvent` wrapping an Agent node's own event."""


@dataclass(slots=True)
class NodeSpec:
    """A node as the executor runs it.

    Attributes:
        name: Node name.
        fn: ``fn(state)`` or ``fn(state, config)``, sync or async.
        is_async: ``fn`` is a coroutine function.
        takes_config: ``fn`` accepts a ``config`` argument.
        kind: ``"function"``, ``"agent"`` or ``"graph"``.
        retry: Retry policy, if any.
        cache: Cache policy, if any.
        metadata: Free-form annotations (shown nowhere; for tooling).
    """

    name: str
    fn: Callable[..., Any]
    is_async: bool
    takes_config: bool
    kind: str = "function"
    retry: RetryPolicy | None = None
    cache: CachePolicy | None = None
    metadata: dict[str, Any] = field(default_factory=dict)


def node_name(action: Any) -> str:
    """The name a node gets when ``add_node`` is called without one."""
    name = getattr(action, "name", None)
    if isinstance(name, str) and name:
        return name
    name = getattr(action, "__name__", None)
    if isinstance(name, str) and name and name != "<lambda>":
        return name
    raise ValidationError(
        f"cannot infer a node name from {action!r}; call add_node('name', action)"
    )


def _is_compiled_graph(action: Any) -> bool:
    # structural: a compiled graph runs embedded and saves its paused position
    return callable(getattr(action, "run_embedded", None)) and callable(
        getattr(action, "paused_position", None)
    )


def _is_agent(action: Any) -> bool:
    return callable(getattr(action, "invoke", None)) and callable(getattr(action, "as_tool", None))


def make_node(
    name: str,
    action: Any,
    schema: StateSchema,
    *,
    retry: RetryPolicy | None,
    cache: CachePolicy | None,
    metadata: dict[str, Any] | None,
    input_key: str | None,
    output_key: str | None,
) -> NodeSpec:
    """Wrap ``action`` (callable, Agent or compiled graph) as a :class:`NodeSpec`."""
    meta = dict(metadata or {})
    if _is_compiled_graph(action):
        return NodeSpec(name, _subgraph_fn(action, schema), True, True, "graph", retry, cache, meta)
    if _is_agent(action):
        fn = _agent_fn(action, schema, input_key, output_key)
        return NodeSpec(name, fn, True, False, "agent", retry, cache, meta)
    if not callable(action):
        raise ValidationError(
            f"node {name!r} must be a function, an Agent or a compiled graph, got {action!r}"
        )
    target = action
    is_async = inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__call__", None)  # noqa: B004 - async __call__ objects
    )
    try:
        params = inspect.signature(target).parameters
    except (TypeError, ValueError):
        params = {}  # type: ignore[assignment]
    takes_config = "config" in params
    return NodeSpec(name, target, is_async, takes_config, "function", retry, cache, meta)


def _agent_fn(
    agent: Any, schema: StateSchema, input_key: str | None, output_key: str | None
) -> Callable[..., Any]:
    keys = schema.keys
    has_messages = keys is None or "messages" in keys
    in_key = input_key or (
        "messages" if has_messages else _first(keys, ("input", "prompt", "task"))
    )
    out_key = output_key or (None if has_messages else _first(keys, ("output", "result", "answer")))
    if in_key is None:
        raise ValidationError(
            f"an Agent node needs a 'messages' or 'input' key in state schema {schema.name}, "
            f"or add_node(..., input_key=...)"
        )

    async def run_agent(state: Any) -> dict[str, Any]:
        from locus.core.messages import Message

        value = state.get(in_key) if isinstance(state, dict) else getattr(state, in_key, None)
        if isinstance(value, list | tuple):
            prompt: Any = list(value) if value and isinstance(value[-1], Message) else str(value)
        else:
            prompt = "" if value is None else str(value)
        ctx = current_node()
        events = ctx.events if ctx is not None else None
        if events is None or not callable(getattr(agent, "run", None)):
            result = await agent.invoke(prompt)
            text = getattr(result, "message", str(result))
        else:
            text = await _stream_agent(agent, prompt, ctx.node if ctx else "", events)
        update: dict[str, Any] = {}
        if has_messages and output_key is None:
            update["messages"] = [Message.assistant(text)]
        if out_key is not None:
            update[out_key] = text
        return update

    return run_agent


async def _stream_agent(agent: Any, prompt: Any, node: str, events: list[Any]) -> str:
    """Run ``agent`` collecting its typed events (wrapped) into ``events``; return its answer."""
    from locus.core.events import TerminateEvent

    text = ""
    async for event in agent.run(prompt):
        events.append(
            GraphEvent(
                event_type=NODE_EVENT,
                data={"node": node, "event_type": event.event_type},
                node=node,
                event=event,
            )
        )
        if isinstance(event, TerminateEvent):
            text = event.final_message
    return text


def _first(keys: frozenset[str] | None, names: tuple[str, ...]) -> str | None:
    if keys is None:
        return names[0]
    return next((n for n in names if n in keys), None)


def _subgraph_fn(graph: Any, parent: StateSchema) -> Callable[..., Any]:
    async def run_subgraph(state: Any, config: Any = None) -> dict[str, Any]:
        values = dict(state) if isinstance(state, dict) else state.model_dump()
        sub_keys = graph.schema.keys
        inp = values if sub_keys is None else {k: v for k, v in values.items() if k in sub_keys}
        ctx = current_node()
        run = await graph.run_embedded(inp, ctx)
        if run.interrupts:
            name = ctx.node if ctx is not None else graph.name
            pending = [
                v.model_copy(update={"namespace": [name, *v.namespace]}) for _, v in run.interrupts
            ]
            raise SubgraphInterrupt(pending, graph.paused_position(run))
        out = run.values
        update: dict[str, Any] = {}
        for key, value in out.items():
            if parent.keys is not None and key not in parent.keys:
                continue
            before = inp.get(key, _MISSING)
            if before is value or (before is not _MISSING and before == value):
                continue
            if (
                key in parent.reducers
                and isinstance(before, list)
                and isinstance(value, list)
                and value[: len(before)] == before
            ):
                value = value[len(before) :]
            update[key] = value
        return update

    return run_subgraph


_MISSING: Any = object()
