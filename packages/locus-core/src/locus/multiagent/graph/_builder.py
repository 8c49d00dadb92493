"""The graph builder: :class:`StateGraph`."""

from __future__ import annotations

import inspect
import itertools
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from locus.core.errors import ValidationError
from locus.core.warnings import LocusDeprecationWarning
from locus.multiagent.graph._compiled import CompiledGraph
from locus.multiagent.graph._nodes import NodeSpec, make_node, node_name
from locus.multiagent.graph._schema import StateSchema
from locus.multiagent.graph._shape import Branch
from locus.multiagent.graph._types import END, START, CachePolicy, GraphResult, RetryPolicy

if TYPE_CHECKING:
    from locus.core.interrupt import InterruptHandler

__all__ = ["Graph", "StateGraph", "create_graph"]


class StateGraph:
    """A graph of nodes over a shared, typed state.

    Args:
        state_schema: A TypedDict, a pydantic model or ``dict`` (any keys).
            Fields annotated ``Annotated[T, reducer]`` merge updates with the
            reducer; other fields are last-write-wins.
        name: Graph name (events, mermaid, subgraph node name).

    Example:
        >>> graph = StateGraph(State)
        >>> graph.add_node(fetch).add_node(summarise)
        >>> graph.add_edge(START, "fetch").add_edge("fetch", "summarise").add_edge("summarise", END)
        >>> app = graph.compile()
    """

    def __init__(self, state_schema: Any = dict, *, name: str | None = None) -> None:
        self.schema = StateSchema(state_schema)
        self.name = name or f"{self.schema.name}Graph"
        self.nodes: dict[str, NodeSpec] = {}
        self.edges: list[tuple[str, str]] = []
        self.joins: list[tuple[tuple[str, ...], str]] = []
        self.branches: dict[str, list[Branch]] = {}

    # -- building ------------------------------------------------------------------

    def add_node(
        self,
        node: str | Any,
        action: Any = None,
        *,
        retry: RetryPolicy | None = None,
        cache: CachePolicy | None = None,
        metadata: dict[str, Any] | None = None,
        input_key: str | None = None,
        output_key: str | None = None,
        destinations: Sequence[str] | None = None,
    ) -> StateGraph:
        """Add a node: a function (sync or async), an Agent, or a compiled graph.

        Args:
            node: The node name, or the action itself (its name is inferred from
                ``__name__`` / ``.name``).
            action: The action when ``node`` is a name.
            retry: Retry the node on failure.
            cache: Cache the node's result by input.
            metadata: Free-form annotations.
            input_key: For an Agent node: the state key holding its prompt
                (default ``messages``, else ``input``).
            output_key: For an Agent node: the state key receiving its answer
                (default: appended to ``messages``, else ``output``).
            destinations: Nodes it may route to with ``Command(goto=...)`` or
                ``Send`` (drawn as conditional edges; routing is not restricted).

        Raises:
            locus.core.errors.ValidationError: duplicate or reserved name, or a bad action.
        """
        if action is None:
            if isinstance(node, str):
                raise ValidationError(f"add_node({node!r}) needs an action: add_node({node!r}, fn)")
            name, action = node_name(node), node
        else:
            if not isinstance(node, str) or not node:
                raise ValidationError(f"node name must be a non-empty string, got {node!r}")
            name = node
        if name in (START, END):
            raise ValidationError(f"node name {name!r} is reserved for START/END")
        if name in self.nodes:
            raise ValidationError(f"duplicate node name {name!r}; node names must be unique")
        if destinations is not None:
            metadata = {**(metadata or {}), "destinations": [str(d) for d in destinations]}
        self.nodes[name] = make_node(
            name,
            action,
            self.schema,
            retry=retry,
            cache=cache,
            metadata=metadata,
            input_key=input_key,
            output_key=output_key,
        )
        return self

    def add_edge(self, start: str | Sequence[str], end: str) -> StateGraph:
        """Add an edge; a list of sources makes a join (``end`` runs once all of them ran).

        Raises:
            locus.core.errors.ValidationError: ``END`` as a source or ``START`` as a target.
        """
        if end == START:
            raise ValidationError("START cannot be the target of an edge")
        if isinstance(start, str):
            if start == END:
                raise ValidationError("END cannot be the source of an edge")
            self.edges.append((start, end))
            return self
        sources = tuple(start)
        if not sources or END in sources:
            raise ValidationError(f"a join needs one or more source nodes (not END), got {sources}")
        if len(sources) == 1:
            self.edges.append((sources[0], end))
        else:
            self.joins.append((sources, end))
        return self

    def add_conditional_edges(
        self,
        source: str,
        path: Callable[..., Any],
        path_map: dict[Any, str] | Sequence[str] | None = None,
    ) -> StateGraph:
        """Route from ``source`` with ``path(state)``, evaluated after ``source`` ran.

        ``path`` returns a node name, a list of names (run in parallel), a
        ``Send`` or list of ``Send`` (fan-out with payloads), ``END``, or a key
        of ``path_map``. ``path`` may be async.

        Args:
            source: Node the edge leaves (``START`` allowed).
            path: The routing function.
            path_map: Map from ``path``'s return values to node names (a list
                maps each name to itself).
        """
        if not callable(path):
            raise ValidationError(f"path must be callable, got {path!r}")
        mapping: dict[Any, str] | None
        if path_map is None:
            mapping = None
        elif isinstance(path_map, dict):
            mapping = dict(path_map)
        else:
            mapping = {name: name for name in path_map}
        branch = Branch(path, mapping, inspect.iscoroutinefunction(path))
        self.branches.setdefault(source, []).append(branch)
        return self

    def add_sequence(self, nodes: Sequence[Any]) -> StateGraph:
        """Add the nodes and chain them with edges, in order (not connected to START)."""
        names: list[str] = []
        for item in nodes:
            if isinstance(item, tuple):
                self.add_node(item[0], item[1])
                names.append(item[0])
            else:
                self.add_node(item)
                names.append(node_name(item))
        for a, b in itertools.pairwise(names):
            self.add_edge(a, b)
        return self

    def set_entry_point(self, node: str) -> StateGraph:
        """Same as ``add_edge(START, node)``."""
        return self.add_edge(START, node)

    def set_conditional_entry_point(
        self, path: Callable[..., Any], path_map: dict[Any, str] | Sequence[str] | None = None
    ) -> StateGraph:
        """Same as ``add_conditional_edges(START, path, path_map)``."""
        return self.add_conditional_edges(START, path, path_map)

    def set_finish_point(self, node: str) -> StateGraph:
        """Same as ``add_edge(node, END)``."""
        return self.add_edge(node, END)

    # -- compiling -----------------------------------------------------------------

    def validate(self) -> None:
        """Check the graph; :meth:`compile` calls this.

        Raises:
            locus.core.errors.ValidationError: unknown node names in edges or
                path maps, or nothing leaves START.
        """
        known = set(self.nodes)
        unknown: set[str] = set()
        for a, b in self.edges:
            unknown.update(n for n in (a, b) if n not in known and n not in (START, END))
        for sources, target in self.joins:
            unknown.update(n for n in (*sources, target) if n not in known and n != END)
        for source, branches in self.branches.items():
            if source not in known and source != START:
                unknown.add(source)
            for branch in branches:
                for target in (branch.path_map or {}).values():
                    if target not in known and target != END:
                        unknown.add(target)
        if unknown:
            raise ValidationError(
                f"edges refer to unknown node(s) {sorted(unknown)}; known nodes are {sorted(known)}"
            )
        if not any(a == START for a, _ in self.edges) and START not in self.branches:
            raise ValidationError(
                "no path from START: add_edge(START, '<first node>') or set_entry_point(...)"
            )

    async def execute(self, input: Any, **options: Any) -> GraphResult:
        """Compile and run in one call (the original locus's ``StateGraph.execute``).

        Each call compiles the graph afresh, with an in-memory checkpointer
        unless ``compile`` options say otherwise; to continue threads across
        calls, ``compile(checkpointer=...)`` once and call the compiled graph.

        Args:
            input: The run's input (as for :meth:`CompiledGraph.ainvoke`).
            **options: ``thread_id``, ``config``, ``interrupt_handler``... of
                :meth:`CompiledGraph.execute`.
        """
        return await self.compile().execute(input, **options)

    def compile(
        self,
        checkpointer: Any = None,
        *,
        interrupt_handler: InterruptHandler | None = None,
        name: str | None = None,
        recursion_limit: int | None = None,
        durable_tasks: bool = False,
    ) -> CompiledGraph:
        """Validate and freeze the graph into a runnable :class:`CompiledGraph`.

        Args:
            checkpointer: A checkpointer or URL (``"sqlite:///graphs.db"``);
                default: an in-memory one private to the compiled graph.
            interrupt_handler: Answers ``interrupt()`` calls automatically.
            name: Name of the compiled graph (default: the builder's).
            recursion_limit: Default superstep limit of its runs.
            durable_tasks: With a ``thread_id``, checkpoint each task of a
                multi-task superstep as soon as it finishes, so a run that
                crashes mid-step resumes without re-running the finished ones
                (one more checkpoint write per such task). Shown by
                ``test_patterns_crash.py``.
        """
        self.validate()
        if isinstance(checkpointer, str):
            from locus.checkpoint import get_checkpointer

            checkpointer = get_checkpointer(checkpointer)
        return CompiledGraph(
            self,
            checkpointer=checkpointer,
            interrupt_handler=interrupt_handler,
            name=name or self.name,
            recursion_limit=recursion_limit,
            durable_tasks=durable_tasks,
        )


Graph = StateGraph
"""The original locus's name of the graph builder."""


def create_graph(
    name: str = "", description: str = "", allow_cycles: bool | None = None
) -> StateGraph:
    """A :class:`StateGraph` over a ``dict`` state (the original locus's factory).

    Cycles are always allowed here, bounded by the run's ``recursion_limit``,
    and a graph keeps no description: passing ``allow_cycles`` or a
    ``description`` has no effect and warns with
    :class:`~locus.core.warnings.LocusDeprecationWarning`.
    """
    ignored = [
        arg
        for arg, given in (("allow_cycles", allow_cycles is not None), ("description", description))
        if given
    ]
    if ignored:
        warnings.warn(
            f"create_graph({'=..., '.join(ignored)}=...) has no effect: cycles are always "
            "allowed (bounded by recursion_limit) and a graph keeps no description; "
            "drop the argument",
            LocusDeprecationWarning,
            stacklevel=2,
        )
    return StateGraph(dict, name=name or None)
