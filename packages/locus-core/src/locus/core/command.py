"""Control flow values graph nodes return: :class:`Command`, :class:`End`, :class:`Continue`.

A node steers a :class:`~locus.multiagent.graph.StateGraph` by returning a
``Command``: an ``update`` merged through the state's reducers, an optional
``goto`` (one node, several nodes run in parallel, or ``Send`` objects), and,
when a caller answers an :func:`~locus.core.interrupt.interrupt`, a
``resume`` value.

```python
from locus.core.command import Command, end, goto, normalize_node_output

assert goto("review", draft="v1").goto_nodes == ["review"]
assert Command(goto=["a", "b"]).is_parallel_goto
assert normalize_node_output({"x": 1}) == ({"x": 1}, None)
assert end(result="ok").update == {"result": "ok"}
```
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Command",
    "Continue",
    "End",
    "end",
    "goto",
    "is_command",
    "normalize_node_output",
    "resume_with",
]


class Command(BaseModel):
    """Control flow command for graph execution.

    A Command can update state, direct execution to specific node(s), and
    carry the answer to an interrupt.

    Attributes:
        update: State updates to apply (merged with reducers if defined).
        goto: Target node(s) to execute next: a node name, a list of names
            (run in parallel in the next superstep; ``Send`` objects are
            accepted too), or ``None`` to continue with the node's edges.
            A ``goto`` replaces the node's outgoing edges for this step.
        resume: Value handed back to ``interrupt()`` when resuming a paused graph.
        graph: For subgraph commands, which graph to route to
            (``Command.PARENT`` routes in the parent graph).

    Example:
        >>> Command(update={"processed": True}, goto="output_node")
        >>> Command(goto=["worker_1", "worker_2"])
        >>> Command(resume="approved")
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    PARENT: ClassVar[str] = "__parent__"

    update: dict[str, Any] = Field(default_factory=dict)
    goto: Any = None
    resume: Any = None
    graph: str | None = None

    @property
    def has_update(self) -> bool:
        """Whether this command includes state updates."""
        return bool(self.update)

    @property
    def has_goto(self) -> bool:
        """Whether this command specifies routing."""
        return self.goto is not None and self.goto != []

    @property
    def has_resume(self) -> bool:
        """Whether this command is resuming from interrupt."""
        return self.resume is not None

    @property
    def is_parallel_goto(self) -> bool:
        """Whether goto targets multiple nodes."""
        return isinstance(self.goto, list | tuple) and len(self.goto) > 1

    @property
    def goto_nodes(self) -> list[str]:
        """Target node names as a list (a single name, a list, or the nodes of ``Send`` s)."""
        target = self.goto
        if target is None:
            return []
        items = target if isinstance(target, list | tuple) else [target]
        return [
            item if isinstance(item, str) else str(getattr(item, "node", item)) for item in items
        ]

    def with_update(self, **kwargs: Any) -> Command:
        """Return a new Command of the same class with ``kwargs`` merged over its updates."""
        return self.model_copy(update={"update": {**self.update, **kwargs}})

    def with_goto(self, target: str | list[str]) -> Command:
        """Return a new Command of the same class routing to ``target`` instead."""
        return self.model_copy(update={"goto": target})


class End(Command):
    """Command that finishes the graph run after this superstep.

    Its ``update`` is applied; no further node runs (pending branches are dropped).

    Example:
        >>> async def final_node(state):
        ...     return End(update={"final_result": state["data"]})
    """


class Continue(Command):
    """Command that applies ``update`` and keeps the node's normal edges.

    Example:
        >>> async def process_node(state):
        ...     return Continue(update={"processed": True})
    """


def goto(target: str | list[str], **updates: Any) -> Command:
    """Create a Command that routes to target node(s).

    Args:
        target: Node name or list of node names.
        **updates: Optional state updates.

    Returns:
        Command with ``goto`` and the updates.

    Example:
        >>> goto(["worker_1", "worker_2"], task_id=123)
    """
    return Command(update=updates, goto=target)


def end(**updates: Any) -> End:
    """Create an :class:`End` command that terminates the graph.

    Args:
        **updates: Final state updates.

    Example:
        >>> end(result="success")
    """
    return End(update=updates)


def resume_with(value: Any, **updates: Any) -> Command:
    """Create a Command that resumes a paused graph.

    Args:
        value: Returned by the pending ``interrupt()`` call.
        **updates: Optional state updates applied before the node re-runs.

    Example:
        >>> resume_with({"action": "modify", "changes": {"tone": "formal"}})
    """
    return Command(update=updates, resume=value)


def is_command(value: Any) -> bool:
    """Whether ``value`` is a :class:`Command` (``End`` and ``Continue`` included)."""
    return isinstance(value, Command)


def normalize_node_output(output: Any) -> tuple[dict[str, Any], Command | None]:
    """Normalize what a node returned to ``(state_update, command)``.

    - ``None``: no update, no command.
    - a :class:`Command`: its ``update`` and the command.
    - a ``dict``: the update itself.
    - a pydantic model: its fields (``model_dump``) as the update.
    - anything else: ``{"result": value}``.

    Args:
        output: Raw output from node execution.

    Returns:
        Tuple of (state update dict, optional command).
    """
    if output is None:
        return {}, None
    if isinstance(output, dict):
        return output, None
    if isinstance(output, Command):
        return dict(output.update), output
    if isinstance(output, BaseModel):
        return output.model_dump(mode="python", exclude_none=False), None
    return {"result": output}, None
