"""A graph's position in a checkpoint: ``AgentState.metadata["graph"]``.

The position is JSON-compatible: channel values (pydantic models dumped), the
tasks of the current superstep, the results of tasks that finished before a
pause, the answers given to each task's interrupts, the pending interrupts,
join barriers and the step counter.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from locus.core.errors import CheckpointSerializationError, ValidationError
from locus.core.interrupt import InterruptValue
from locus.core.send import Send
from locus.multiagent.graph._tasks import Out, Task

if TYPE_CHECKING:
    from locus.core.state import AgentState, RunStatus
    from locus.multiagent.graph._exec import Run
    from locus.multiagent.graph._shape import GraphShape

__all__ = ["FORMAT_VERSION", "dump_position", "dump_run", "load_position", "load_raw_position"]

FORMAT_VERSION = 1


def _json(value: Any, what: str) -> Any:
    from pydantic_core import PydanticSerializationError, to_jsonable_python

    try:
        return to_jsonable_python(value)
    except (PydanticSerializationError, TypeError, ValueError) as exc:
        raise ValidationError(
            f"graph {what} must be JSON-serialisable to be checkpointed: {exc}. Keep state values "
            f"to JSON types and pydantic models, or run without thread_id"
        ) from exc


def _dump_target(target: Any) -> Any:
    if isinstance(target, Send):
        return {"send": target.node, "payload": target.payload}
    return target


def _load_target(raw: Any) -> Any:
    if isinstance(raw, dict) and "send" in raw:
        return Send(raw["send"], raw.get("payload"))
    return raw


def dump_run(graph: GraphShape, run: Run, status: str) -> AgentState:
    """The checkpoint of ``run``'s current position."""
    from locus.core.state import AgentState

    position = dump_position(graph, run, status)
    run_status: RunStatus = "running"
    if status == "interrupted":
        run_status = "interrupted"
    elif status == "completed":
        run_status = "completed"
    elif status == "failed":
        run_status = "failed"
    metadata: dict[str, Any] = {"graph": position}
    if run.error is not None:
        metadata["error"] = run.error
    return AgentState(thread_id=run.thread_id, status=run_status, metadata=metadata)


def dump_position(graph: GraphShape, run: Run, status: str) -> dict[str, Any]:
    """``run``'s position as JSON-compatible data (what ``metadata["graph"]`` holds).

    A paused subgraph node's own position is nested under ``"subgraphs"``,
    keyed by the node's task key (its name, or ``name:i`` for a ``Send``).
    """
    return {
        "version": FORMAT_VERSION,
        "graph": graph.name,
        "status": status,
        "step": run.step,
        "values": _json(run.values, "state values"),
        "tasks": [
            {
                "node": t.node,
                "key": t.key,
                "send": t.is_send,
                "payload": _json(t.payload, "Send payloads"),
            }
            for t in run.tasks
        ],
        "completed": {
            key: {
                "update": _json(out.update, "node updates"),
                "goto": None if out.goto is None else [_dump_target(t) for t in out.goto],
                "end": out.end,
            }
            for key, out in run.completed.items()
        },
        "resumes": _json(run.resumes, "resume values"),
        "interrupts": [
            {"key": key, "value": value.model_dump(mode="json")} for key, value in run.interrupts
        ],
        "joins": [sorted(seen) for seen in run.joins],
        "subgraphs": run.subgraphs,
    }


def load_position(graph: GraphShape, state: AgentState) -> dict[str, Any]:
    """Read a graph position back (typed values restored through the state schema)."""
    raw = state.metadata.get("graph")
    if not isinstance(raw, dict):
        raise CheckpointSerializationError(
            f"thread {state.thread_id!r} holds no graph checkpoint (an agent thread?); "
            f"use a different thread_id for the graph"
        )
    return load_raw_position(graph, raw)


def load_raw_position(graph: GraphShape, raw: dict[str, Any]) -> dict[str, Any]:
    """Read a JSON position (see :func:`dump_position`) back."""
    if raw.get("version", 0) > FORMAT_VERSION:
        raise CheckpointSerializationError(
            f"graph checkpoint format {raw.get('version')} is newer than this locus supports "
            f"({FORMAT_VERSION}); upgrade locus"
        )
    schema = graph.schema
    joins = [set(seen) for seen in raw.get("joins", [])]
    if len(joins) != len(graph.joins):
        joins = [set() for _ in graph.joins]
    return {
        "status": raw.get("status", "completed"),
        "step": int(raw.get("step", 0)),
        "values": schema.restore(raw.get("values", {})),
        "tasks": [
            Task(t["node"], t["key"], bool(t.get("send")), t.get("payload"))
            for t in raw.get("tasks", [])
        ],
        "completed": {
            key: Out(
                schema.restore(item.get("update", {})),
                None if item.get("goto") is None else [_load_target(t) for t in item["goto"]],
                bool(item.get("end")),
            )
            for key, item in raw.get("completed", {}).items()
        },
        "resumes": {k: list(v) for k, v in raw.get("resumes", {}).items()},
        "interrupts": [
            (i["key"], InterruptValue.model_validate(i["value"])) for i in raw.get("interrupts", [])
        ],
        "joins": joins,
        "subgraphs": copy.deepcopy(raw.get("subgraphs", {})),
    }
