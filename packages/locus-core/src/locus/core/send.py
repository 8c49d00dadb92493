"""Map-reduce fan-out: :class:`Send` one payload to a node, many times, in parallel.

A node (or a conditional edge) returning a list of ``Send`` makes the graph
run the target node once per ``Send`` in the next superstep, each with its own
payload as input; their updates merge through the state's reducers in the
order the ``Send`` s were listed.

```python
from locus.core.send import Send, broadcast, normalize_sends, scatter

sends = scatter("summarise", ["a", "b"])
assert [s.payload for s in sends] == [
    {"item": "a", "index": 0, "total": 2},
    {"item": "b", "index": 1, "total": 2},
]
assert Send("worker", {"task": 1}).node == "worker"
assert normalize_sends(Send("n", {})) is not None
assert len(broadcast(["x", "y"], {"k": 1})) == 2
```
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Send",
    "SendBatch",
    "SendResult",
    "aggregate_send_results",
    "broadcast",
    "extract_send_results",
    "is_send",
    "is_send_list",
    "normalize_sends",
    "scatter",
    "send",
]

_ids = itertools.count(1)


def _next_id() -> str:
    return f"send-{next(_ids)}"


class Send(BaseModel):
    """Directive to run ``node`` with ``payload`` as its input, in parallel with other sends.

    ``Send("worker", {"task": 1})`` (positional) and ``Send(node=..., payload=...)``
    both work.

    Attributes:
        node: Target node name.
        payload: Input the target node receives (instead of the graph state).
        send_id: Identifier of this send (for result tracking), unique in the process.
        metadata: Additional context for the send operation.
    """

    model_config = ConfigDict(frozen=True)

    node: str
    payload: Any = Field(default_factory=dict)
    send_id: str = Field(default_factory=_next_id)
    metadata: dict[str, Any] = Field(default_factory=dict)

    def __init__(self, node: str | None = None, payload: Any = None, /, **data: Any) -> None:
        if node is not None:
            data["node"] = node
        if payload is not None:
            data["payload"] = payload
        super().__init__(**data)

    def with_payload(self, **kwargs: Any) -> Send:
        """Return a new Send with ``kwargs`` merged over its (dict) payload."""
        return self.model_copy(update={"payload": {**self.payload, **kwargs}})

    def with_metadata(self, **kwargs: Any) -> Send:
        """Return a new Send with ``kwargs`` merged over its metadata."""
        return self.model_copy(update={"metadata": {**self.metadata, **kwargs}})


class SendBatch(BaseModel):
    """A batch of :class:`Send` operations executed together.

    Attributes:
        sends: The sends, in merge order.
        source_node: Node that generated these sends.
        aggregator_node: Optional node that receives all results.
    """

    sends: list[Send] = Field(default_factory=list)
    source_node: str = ""
    aggregator_node: str | None = None

    @property
    def target_nodes(self) -> list[str]:
        """Unique target nodes, in first-seen order."""
        return list(dict.fromkeys(s.node for s in self.sends))

    @property
    def count(self) -> int:
        """Number of sends in the batch."""
        return len(self.sends)

    def group_by_node(self) -> dict[str, list[Send]]:
        """Sends grouped by target node (order kept within each group)."""
        groups: dict[str, list[Send]] = {}
        for item in self.sends:
            groups.setdefault(item.node, []).append(item)
        return groups


class SendResult(BaseModel):
    """Outcome of one :class:`Send` execution.

    Attributes:
        send_id: Id of the original Send.
        node: Target node that ran.
        success: Whether it succeeded.
        result: Output of the node.
        error: Error message when it failed.
        duration_ms: Execution time in milliseconds.
    """

    send_id: str
    node: str
    success: bool = True
    result: Any = None
    error: str | None = None
    duration_ms: float | None = None


def send(node: str, **payload: Any) -> Send:
    """Create a Send to ``node`` with the keyword arguments as payload.

    Example:
        >>> send("worker", task="process", data=[1, 2, 3])
    """
    return Send(node, payload)


def broadcast(nodes: list[str], payload: dict[str, Any] | None = None) -> list[Send]:
    """One Send per node, each with (a copy of) the same payload.

    Example:
        >>> broadcast(["worker1", "worker2"], {"task": "x"})
    """
    shared = payload or {}
    return [Send(node, dict(shared)) for node in nodes]


def scatter(
    node: str,
    items: list[Any],
    key: str = "item",
    include_index: bool = True,
) -> list[Send]:
    """One Send to ``node`` per item.

    Args:
        node: Target node name.
        items: Items to distribute.
        key: Payload key holding each item.
        include_index: Also put ``index`` and ``total`` in each payload.

    Example:
        >>> scatter("processor", ["a", "b"])[1].payload
        {'item': 'b', 'index': 1, 'total': 2}
    """
    total = len(items)
    sends: list[Send] = []
    for index, item in enumerate(items):
        payload: dict[str, Any] = {key: item}
        if include_index:
            payload["index"] = index
            payload["total"] = total
        sends.append(Send(node, payload))
    return sends


def is_send(value: Any) -> bool:
    """Whether ``value`` is a :class:`Send`."""
    return isinstance(value, Send)


def is_send_list(value: Any) -> bool:
    """Whether ``value`` is a list whose items are all :class:`Send` (an empty list is one)."""
    return isinstance(value, list) and all(isinstance(v, Send) for v in value)


def normalize_sends(value: Any) -> list[Send] | None:
    """A list of Sends if ``value`` is a Send or a list of them, else ``None``."""
    if isinstance(value, Send):
        return [value]
    if is_send_list(value):
        return list(value)
    return None


def extract_send_results(results: list[SendResult], key: str = "result") -> dict[str, Any]:
    """Map ``send_id`` to the result of each successful send.

    Args:
        results: SendResult objects.
        key: When a result is a dict holding ``key``, that entry is taken;
            otherwise the whole result.
    """
    out: dict[str, Any] = {}
    for r in results:
        if r.success:
            value = r.result
            if key != "result" and isinstance(value, dict) and key in value:
                value = value[key]
            out[r.send_id] = value
    return out


def aggregate_send_results(
    results: list[SendResult],
    reducer: Callable[[Any, Any], Any] | None = None,
) -> Any:
    """Fold the successful results: a list without ``reducer``, else ``reducer(acc, item)``.

    Returns ``None`` when a reducer is given and nothing succeeded.
    """
    successful = [r.result for r in results if r.success]
    if reducer is None:
        return successful
    if not successful:
        return None
    acc = successful[0]
    for item in successful[1:]:
        acc = reducer(acc, item)
    return acc
