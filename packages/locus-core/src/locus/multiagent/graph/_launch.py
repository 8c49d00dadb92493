"""Starting, resuming and finishing a graph run (the front half of :class:`CompiledGraph`).

:func:`start_run` turns an input (or a ``Command``) plus a thread's saved
position into a :class:`~locus.multiagent.graph._exec.Run`; :func:`finish_run`
turns a finished run into a :class:`GraphResult` (or raises ``GraphInterrupted``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from locus.core.command import Command
from locus.core.errors import CheckpointConflictError, ValidationError
from locus.core.interrupt import GraphInterrupted, InterruptHandler, InterruptState
from locus.multiagent.graph._exec import Run, RunnableGraph
from locus.multiagent.graph._persist import load_position
from locus.multiagent.graph._tasks import Out, Task
from locus.multiagent.graph._types import START, GraphConfig, GraphResult

if TYPE_CHECKING:
    from locus.checkpoint._thread_run import ThreadRun

__all__ = ["LaunchableGraph", "finish_run", "load_thread", "resume_run", "start_run"]


class LaunchableGraph(RunnableGraph, Protocol):
    """What starting a run needs of the compiled graph."""

    recursion_limit: int | None
    interrupt_handler: InterruptHandler | None

    def _checkpointer(self) -> Any: ...


async def load_thread(
    graph: LaunchableGraph, thread_id: str, owner: ThreadRun | None = None
) -> dict[str, Any] | None:
    state = await (owner.load() if owner is not None else graph._checkpointer().load(thread_id))
    if state is None:
        return None
    return load_position(graph, state)


async def start_run(
    graph: LaunchableGraph,
    input: Any,
    thread_id: str | None,
    config: GraphConfig | dict[str, Any] | None,
    handler: InterruptHandler | None,
    owner: ThreadRun | None = None,
) -> Run:
    cfg = GraphConfig.coerce(config)
    thread_id = thread_id or cfg.thread_id
    limit = (
        cfg.recursion_limit
        if config is not None
        else (graph.recursion_limit or cfg.recursion_limit)
    )
    handler = handler or cfg.interrupt_handler or graph.interrupt_handler
    node_config = {"thread_id": thread_id, "graph": graph.name, "configurable": cfg.configurable}
    resume = isinstance(input, Command)
    if resume and not thread_id:
        raise ValidationError(
            "Command(...) answers or steers a paused thread: pass thread_id='...' (the "
            "thread that paused) or config={'thread_id': ...}"
        )
    position = await load_thread(graph, thread_id, owner) if thread_id else None
    if resume or (input is None and position is not None and position["tasks"]):
        run = resume_run(graph, input, position, thread_id, limit, node_config, handler)
        run.owner = owner
        return run
    values = dict(position["values"]) if position else graph.schema.initial()
    graph.schema.merge(values, graph.schema.coerce_input(input))
    if position is None:
        graph.schema.validate_values(values)
    run = Run(graph, values, [], step=0, limit=limit, config=node_config, handler=handler)
    run.thread_id = thread_id
    run.owner = owner
    run.tasks = await run._route([Task(START, START)], [Out({})])
    from locus.observability import current_run_id, emit

    if current_run_id() is not None:
        emit(
            "multiagent.graph.started",
            graph=graph.name,
            thread_id=thread_id,
            entry=[t.node for t in run.tasks],
        )
    return run


def resume_run(
    graph: LaunchableGraph,
    command: Any,
    position: dict[str, Any] | None,
    thread_id: str | None,
    limit: int,
    node_config: dict[str, Any],
    handler: InterruptHandler | None,
) -> Run:
    if position is not None and not position["tasks"] and isinstance(command, Command):
        raise CheckpointConflictError(
            f"thread {thread_id!r} has no paused run: it is {position['status']!r} (another "
            "Command(resume=...) may have answered the pause first). Look at "
            "get_state() before answering again",
            thread_id=thread_id or "",
            expected_parent=None,
            actual_parent=position.get("checkpoint_id"),
        )
    if position is None or not position["tasks"]:
        raise ValidationError(
            f"thread {thread_id!r} has no paused run to resume; invoke with an input "
            f"(and the same thread_id) to start one"
        )
    values = dict(position["values"])
    run = Run(
        graph,
        values,
        position["tasks"],
        step=position["step"],
        limit=limit,
        config=node_config,
        handler=handler,
        completed=position["completed"],
        resumes=position["resumes"],
        joins=position["joins"],
    )
    run.subgraphs = position.get("subgraphs", {})
    run.thread_id = thread_id
    if isinstance(command, Command):
        update = dict(command.update)
        if update:
            graph.schema.check_keys(update, "Command(update=...)")
            graph.schema.merge(values, update)
        pending = position["interrupts"]
        if command.resume is not None and pending:
            answers = command.resume
            by_id = {v.interrupt_id: key for key, v in pending}
            if isinstance(answers, dict) and answers and set(answers) <= set(by_id):
                for iid, answer in answers.items():
                    run.record_answer(by_id[iid], iid, answer)
            else:
                run.record_answer(pending[0][0], pending[0][1].interrupt_id, answers)
        from locus.observability import current_run_id, emit

        if current_run_id() is not None and pending:
            emit(
                "multiagent.graph.resumed",
                node=pending[0][1].node_id,
                interrupt_id=pending[0][1].interrupt_id,
            )
    return run


def finish_run(run: Run, raise_on_interrupt: bool) -> GraphResult:
    interrupts = [v for _, v in run.interrupts]
    result = GraphResult(
        run.values,
        interrupts=interrupts,
        thread_id=run.thread_id,
        checkpoint_id=run.checkpoint_id,
        steps=run.step,
    )
    if interrupts and raise_on_interrupt:
        first = interrupts[0]
        state = InterruptState(
            interrupt=first,
            node_id=first.node_id or "",
            pending_nodes=[t.node for t in run.tasks if t.key not in run.completed],
            partial_results={k: o.update for k, o in run.completed.items()},
        )
        raise GraphInterrupted(
            state,
            run.checkpoint_id,
            thread_id=run.thread_id,
            values=dict(run.values),
            interrupts=interrupts,
        )
    return result
