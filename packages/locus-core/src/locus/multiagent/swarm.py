"""Swarm: peer agents claim tasks from a shared queue and write to a shared context.

Nobody is in charge. Each round, pending tasks (highest ``priority`` first)
are claimed by free agents whose capabilities cover the task's
``required_tags`` (``preferred_tags`` break ties); the claimed tasks run in
parallel, each within ``task_timeout_ms``. Agents write findings, blackboard
entries and new sub-tasks through tools. The swarm stops when no task is
pending or after ``max_iterations`` rounds. A task is claimed once: claims
are made in one place per round and a task leaves ``PENDING`` when claimed.

It is a three-node :class:`~locus.multiagent.graph.StateGraph` (``claim`` →
``work`` x N through ``Send`` → ``claim``… → ``finish``): with a
``thread_id`` every finished task is checkpointed.

```python
from locus.models import ScriptedModel
from locus.multiagent.swarm import create_swarm, create_swarm_agent

web = create_swarm_agent("web", ["search"], model=ScriptedModel(["Tides follow the moon."]))
swarm = create_swarm(agents=[web])
swarm.add_task("Why are there tides?", required_tags=["search"])
result = swarm.execute_sync()
assert [t.result for t in result.completed_tasks] == ["Tides follow the moon."]
```
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from pydantic import ConfigDict, Field

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.send import Send
from locus.multiagent._pattern import PatternBase, collect, emit, extend, new_id, text_preview
from locus.multiagent._swarm_types import (
    SharedContext,
    SwarmAgent,
    SwarmResult,
    SwarmTask,
    TaskStatus,
    now,
)

if TYPE_CHECKING:
    from locus.multiagent.graph import DrawableGraph, StateGraph

__all__ = [
    "SharedContext",
    "Swarm",
    "SwarmAgent",
    "SwarmResult",
    "SwarmTask",
    "TaskStatus",
    "create_swarm",
    "create_swarm_agent",
]


class _State(TypedDict, total=False):
    tasks: Annotated[dict[str, Any], collect]
    findings: Annotated[list[Any], extend]
    log: Annotated[list[str], extend]
    blackboard: Annotated[dict[str, Any], collect]
    round: int
    summary: str


class Swarm(PatternBase[SwarmResult]):
    """Peer agents working a shared task queue.

    Args:
        name: Name.
        agents: The peers.
        task_queue: Tasks to start from (more via :meth:`add_task` or the
            task given to :meth:`execute`).
        context: Shared context to start from.
        max_iterations: Most rounds.
        max_parallel_agents: Most tasks running at once (one per agent).
        task_timeout_ms: A task still running after this fails.
        model: Model of agents without one; also writes the summary.
        checkpointer: Where runs with a ``thread_id`` are checkpointed.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = Field(default_factory=lambda: new_id("swarm"))
    name: str = "Swarm"
    description: str = ""
    agents: list[SwarmAgent] = Field(default_factory=list)
    task_queue: list[SwarmTask] = Field(default_factory=list)
    context: SharedContext = Field(default_factory=SharedContext)
    max_iterations: int = Field(default=10, ge=1)
    max_parallel_agents: int = Field(default=3, ge=1)
    task_timeout_ms: float = Field(default=60_000.0, gt=0)
    model: Any = None
    checkpointer: Any = None

    def add_agent(self, agent: SwarmAgent) -> Swarm:
        """Add a peer (chainable)."""
        if any(a.id == agent.id for a in self.agents):
            raise ValidationError(f"a swarm agent with id {agent.id!r} is already registered")
        self.agents.append(agent)
        return self

    def add_task(
        self,
        description: str,
        *,
        priority: int = 0,
        required_tags: list[str] | None = None,
        preferred_tags: list[str] | None = None,
    ) -> SwarmTask:
        """Queue a task for the next run."""
        task = SwarmTask(
            description=description,
            priority=priority,
            required_tags=list(required_tags or []),
            preferred_tags=list(preferred_tags or []),
        )
        self.task_queue.append(task)
        return task

    def with_model(self, model: Any) -> Swarm:
        """A copy using ``model``."""
        return self.model_copy(update={"model": model})

    async def execute(
        self, task: str | None = None, *, thread_id: str | None = None
    ) -> SwarmResult:
        """Run the queue (plus ``task`` as a new task) to the end (see ``PatternBase.execute``)."""
        return await super().execute(task or "", thread_id=thread_id)

    def execute_sync(self, task: str | None = None, *, thread_id: str | None = None) -> SwarmResult:
        """Blocking :meth:`execute`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.execute(task, thread_id=thread_id))

    # -- the graph -------------------------------------------------------------------

    def _build(self) -> StateGraph:
        from locus.multiagent.graph import StateGraph

        graph = StateGraph(_State, name=self.name)
        graph.add_node("claim", self._claim, destinations=("work", "claim", "finish"))
        graph.add_node("work", self._work)
        graph.add_node("finish", self._finish)
        graph.add_edge("__start__", "claim")
        graph.add_edge("work", "claim")
        graph.add_edge("finish", "__end__")
        return graph

    def _input(self, task: str) -> dict[str, Any]:
        queue = list(self.task_queue)
        if task:
            queue.append(SwarmTask(description=task))
        if not queue:
            raise ValidationError("the swarm has no task; pass one to execute() or add_task(...)")
        return {
            "tasks": {t.id: t.model_dump(mode="json") for t in queue},
            "findings": list(self.context.findings),
            "log": list(self.context.discovery_log),
            "blackboard": dict(self.context.blackboard),
            "round": 0,
            "summary": "",
        }

    def get_graph(self) -> DrawableGraph:
        """Each round: claims go to agents, results come back to the queue."""
        from locus.multiagent.graph import END, START, DrawableGraph

        ids = [a.id for a in self.agents]
        edges = [(START, "claim", False)]
        for agent_id in ids:
            edges += [("claim", agent_id, True), (agent_id, "claim", False)]
        edges += [("claim", "finish", True), ("finish", END, False)]
        return DrawableGraph([START, "claim", *ids, "finish", END], edges)

    def _claim(self, state: dict[str, Any]) -> Command:
        tasks = {k: SwarmTask.model_validate(v) for k, v in (state.get("tasks") or {}).items()}
        round_ = int(state.get("round", 0))
        if round_ == 0:
            emit(
                "multiagent.swarm.started",
                agents=[a.id for a in self.agents],
                task_preview=text_preview("; ".join(t.description for t in tasks.values())),
            )
        pending = sorted(
            (t for t in tasks.values() if t.status is TaskStatus.PENDING),
            key=lambda t: (-t.priority, t.created_at),
        )
        if not pending or round_ >= self.max_iterations:
            return Command(goto="finish")
        free = list(self.agents)
        claims: dict[str, Any] = {}
        log: list[str] = []
        sends: list[Send] = []
        for task in pending:
            if len(sends) >= self.max_parallel_agents:
                break
            fits = sorted(
                (a for a in free if a.can_handle(task)), key=lambda a: -a.priority_for_task(task)
            )
            if not fits:
                if not any(a.can_handle(task) for a in self.agents):
                    failed = task.model_copy(
                        update={
                            "status": TaskStatus.FAILED,
                            "error": f"no agent has the required tags {task.required_tags}",
                            "completed_at": now(),
                        }
                    )
                    claims[task.id] = failed.model_dump(mode="json")
                    log.append(f"{task.id} failed: nobody can take it")
                continue
            agent = fits[0]
            free.remove(agent)
            claimed = task.model_copy(update={"status": TaskStatus.CLAIMED, "claimed_by": agent.id})
            claims[task.id] = claimed.model_dump(mode="json")
            log.append(f"{agent.id} claimed {task.id}")
            sends.append(
                Send(
                    "work",
                    {
                        "agent": agent.id,
                        "task": claims[task.id],
                        "round": round_ + 1,
                        "findings": list(state.get("findings") or [])[-20:],
                        "blackboard": dict(state.get("blackboard") or {}),
                    },
                )
            )
        return Command(
            update={"tasks": claims, "log": log, "round": round_ + 1},
            goto=sends or ["claim"],
        )

    async def _work(self, payload: dict[str, Any]) -> dict[str, Any]:
        agent = next(a for a in self.agents if a.id == payload["agent"])
        task = SwarmTask.model_validate(payload["task"]).model_copy(
            update={"status": TaskStatus.IN_PROGRESS}
        )
        context = SharedContext(findings=payload["findings"], blackboard=payload["blackboard"])
        update: dict[str, Any] = {}
        agent.current_task = task.id
        try:
            work = await asyncio.wait_for(
                agent.work_on_task(task, context, model=self.model),
                timeout=self.task_timeout_ms / 1000.0,
            )
        except TimeoutError:
            done = task.model_copy(
                update={
                    "status": TaskStatus.FAILED,
                    "error": f"timed out after {self.task_timeout_ms:g} ms",
                    "completed_at": now(),
                }
            )
        except Exception as exc:  # a failing agent fails its task, not the swarm
            done = task.model_copy(
                update={
                    "status": TaskStatus.FAILED,
                    "error": f"{type(exc).__name__}: {exc}",
                    "completed_at": now(),
                }
            )
        else:
            done = task.model_copy(
                update={
                    "status": TaskStatus.COMPLETED,
                    "result": work["output"],
                    "completed_at": now(),
                }
            )
            subtasks = {}
            for raw in work["subtasks"]:
                sub = SwarmTask(parent_task_id=task.id, **raw)
                subtasks[sub.id] = sub.model_dump(mode="json")
            update = {
                "findings": work["findings"],
                "blackboard": work["posts"],
                "tasks": subtasks,
                "log": [f"{agent.id} added {k}" for k in subtasks],
            }
        agent.current_task = None
        update.setdefault("tasks", {})[task.id] = done.model_dump(mode="json")
        update["log"] = [*update.get("log", []), f"{agent.id} {done.status.value} {task.id}"]
        emit(
            "multiagent.swarm.turn",
            agent=agent.id,
            turn=payload["round"],
            task_id=task.id,
            status=done.status.value,
            output_preview=text_preview(done.result or done.error or ""),
        )
        return update

    async def _finish(self, state: dict[str, Any]) -> dict[str, Any]:
        tasks = [SwarmTask.model_validate(v) for v in (state.get("tasks") or {}).values()]
        done = [t for t in tasks if t.status is TaskStatus.COMPLETED]
        if self.model is not None and done:
            from locus.agent import Agent

            listing = "\n".join(f"- {t.description}: {t.result}" for t in done)
            summary = (
                await Agent(model=self.model, system_prompt="Summarise the swarm's work.").invoke(
                    f"Task results:\n{listing}"
                )
            ).message
        else:
            summary = "\n".join(t.result or "" for t in done)
        emit(
            "multiagent.swarm.completed",
            turns=int(state.get("round", 0)),
            completed=len(done),
            failed=sum(t.status is TaskStatus.FAILED for t in tasks),
            final_message_preview=text_preview(summary),
        )
        return {"summary": summary}

    def _result(self, values: dict[str, Any], duration_ms: float) -> SwarmResult:
        tasks = [SwarmTask.model_validate(v) for v in (values.get("tasks") or {}).values()]
        completed = [t for t in tasks if t.status is TaskStatus.COMPLETED]
        failed = [t for t in tasks if t.status is not TaskStatus.COMPLETED]
        for agent in self.agents:
            agent.tasks_completed += sum(t.claimed_by == agent.id for t in completed)
        context = SharedContext(
            findings=list(values.get("findings") or []),
            discovery_log=list(values.get("log") or []),
            blackboard=dict(values.get("blackboard") or {}),
            task_results={t.id: t.result or "" for t in completed},
        )
        return SwarmResult(
            swarm_id=self.id,
            success=not failed,
            completed_tasks=completed,
            failed_tasks=failed,
            context=context,
            summary=str(values.get("summary", "")),
            duration_ms=duration_ms,
            error=f"{len(failed)} task(s) did not complete" if failed else None,
        )


def create_swarm(
    name: str = "Swarm", agents: list[SwarmAgent] | None = None, model: Any = None
) -> Swarm:
    """A :class:`Swarm` of ``agents``."""
    return Swarm(name=name, agents=list(agents or []), model=model)


def create_swarm_agent(
    name: str, capabilities: list[str] | None = None, system_prompt: str = "", model: Any = None
) -> SwarmAgent:
    """A :class:`SwarmAgent`."""
    return SwarmAgent(
        name=name, capabilities=list(capabilities or []), system_prompt=system_prompt, model=model
    )
