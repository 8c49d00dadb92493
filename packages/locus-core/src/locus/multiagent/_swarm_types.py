"""The data of a swarm: tasks and their status, the shared context, the peers, results."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from locus.multiagent._pattern import new_id

if TYPE_CHECKING:
    from locus.tools import Tool

__all__ = [
    "SharedContext",
    "SwarmAgent",
    "SwarmResult",
    "SwarmTask",
    "TaskStatus",
    "now",
]


class TaskStatus(StrEnum):
    """Where a swarm task is: PENDING → CLAIMED → IN_PROGRESS → COMPLETED / FAILED.

    IN_PROGRESS is the status of the copy the agent works on (and the task is
    its ``SwarmAgent.current_task``); the checkpointed queue shows CLAIMED
    until the result is in.
    """

    PENDING = "pending"
    CLAIMED = "claimed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"


def now() -> datetime:
    """The current UTC time."""
    return datetime.now(UTC)


class SwarmTask(BaseModel):
    """A unit of work in the queue.

    Attributes:
        id: Id.
        description: What to do.
        priority: Higher runs first.
        required_tags: Capabilities an agent must have to claim it.
        preferred_tags: Capabilities that make an agent a better fit.
        status: Where it is.
        claimed_by: The agent that claimed it.
        result: The agent's answer.
        error: Why it failed.
        created_at: When it was added.
        completed_at: When it finished.
        parent_task_id: The task whose agent added it.
        metadata: Free-form data.
    """

    id: str = Field(default_factory=lambda: new_id("task"))
    description: str
    priority: int = 0
    required_tags: list[str] = Field(default_factory=list)
    preferred_tags: list[str] = Field(default_factory=list)
    status: TaskStatus = TaskStatus.PENDING
    claimed_by: str | None = None
    result: str | None = None
    error: str | None = None
    created_at: datetime = Field(default_factory=now)
    completed_at: datetime | None = None
    parent_task_id: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


class SharedContext(BaseModel):
    """What the swarm knows, shared by every agent.

    Attributes:
        findings: ``{"agent", "task_id", "finding", "confidence"}`` records.
        discovery_log: One line per event (claims, results, sub-tasks).
        blackboard: Key/value notes agents post for each other.
        task_results: Task id → result.
    """

    findings: list[dict[str, Any]] = Field(default_factory=list)
    discovery_log: list[str] = Field(default_factory=list)
    blackboard: dict[str, Any] = Field(default_factory=dict)
    task_results: dict[str, str] = Field(default_factory=dict)

    def add_finding(
        self, agent: str, finding: str, *, task_id: str = "", confidence: float = 0.5
    ) -> None:
        """Record a finding."""
        self.findings.append(
            {"agent": agent, "task_id": task_id, "finding": finding, "confidence": confidence}
        )

    def post_to_blackboard(self, key: str, value: Any, *, agent: str = "") -> None:
        """Post a note under ``key`` (the newest wins)."""
        self.blackboard[key] = value
        self.discovery_log.append(f"{agent or 'someone'} posted {key!r}")

    def record_task_result(self, task_id: str, result: str) -> None:
        """Record a task's result."""
        self.task_results[task_id] = result

    def get_summary(self, limit: int = 20) -> str:
        """The context as text for an agent's prompt (newest ``limit`` findings)."""
        lines: list[str] = []
        if self.findings:
            lines.append("Findings:")
            lines.extend(f"- [{f['agent']}] {f['finding']}" for f in self.findings[-limit:])
        if self.blackboard:
            lines.append("Blackboard:")
            lines.extend(f"- {k}: {v}" for k, v in self.blackboard.items())
        return "\n".join(lines)


class SwarmAgent(BaseModel):
    """A peer that claims tasks matching its capabilities.

    Attributes:
        id: Stable id (default: ``name``).
        name: Name.
        capabilities: Tags it covers.
        system_prompt: Its instructions.
        model: Its model (default: the swarm's).
        tools: Its own tools (the swarm adds ``add_finding``,
            ``post_to_blackboard`` and ``add_subtask``).
        current_task: Id of the task it works on in the running round.
        tasks_completed: Tasks it completed in this swarm's runs.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = ""
    name: str
    capabilities: list[str] = Field(default_factory=list)
    system_prompt: str = ""
    model: Any = None
    tools: list[Any] = Field(default_factory=list)
    current_task: str | None = None
    tasks_completed: int = 0

    def model_post_init(self, __context: Any) -> None:
        if not self.id:
            self.id = self.name

    def can_handle(self, task: SwarmTask) -> bool:
        """Its capabilities cover the task's required tags."""
        return set(task.required_tags) <= set(self.capabilities)

    def priority_for_task(self, task: SwarmTask) -> float:
        """How well it fits ``task`` (higher is better; ``-1`` when it cannot handle it)."""
        if not self.can_handle(task):
            return -1.0
        return float(len(set(task.preferred_tags) & set(self.capabilities)))

    def with_model(self, model: Any) -> SwarmAgent:
        """A copy using ``model``."""
        return self.model_copy(update={"model": model})

    async def work_on_task(
        self, task: SwarmTask, context: SharedContext, *, model: Any = None
    ) -> dict[str, Any]:
        """Work on ``task``; returns ``output``, ``findings``, ``posts`` and ``subtasks``."""
        from locus.agent import Agent

        findings: list[dict[str, Any]] = []
        posts: dict[str, Any] = {}
        subtasks: list[dict[str, Any]] = []
        agent = Agent(
            model=self.model if self.model is not None else model,
            tools=[*self.tools, *_context_tools(self.id, task.id, findings, posts, subtasks)],
            system_prompt=self.system_prompt or f"You are {self.name}, a member of a swarm.",
            name=self.name,
        )
        prompt = f"Task: {task.description}"
        summary = context.get_summary()
        if summary:
            prompt += f"\n\nShared context:\n{summary}"
        result = await agent.invoke(prompt)
        return {
            "output": result.message,
            "findings": findings,
            "posts": posts,
            "subtasks": subtasks,
        }


def _context_tools(
    agent_id: str,
    task_id: str,
    findings: list[dict[str, Any]],
    posts: dict[str, Any],
    subtasks: list[dict[str, Any]],
) -> list[Tool]:
    from locus.tools import Tool

    def add_finding(finding: str, confidence: float = 0.5) -> str:
        """Share a finding with the swarm.

        Args:
            finding: What you found out.
            confidence: How sure you are, 0..1.
        """
        findings.append(
            {"agent": agent_id, "task_id": task_id, "finding": finding, "confidence": confidence}
        )
        return "recorded"

    def post_to_blackboard(key: str, value: str) -> str:
        """Post a note other agents can read.

        Args:
            key: Note name.
            value: Note text.
        """
        posts[key] = value
        return "posted"

    def add_subtask(
        description: str, required_tags: list[str] | None = None, priority: int = 0
    ) -> str:
        """Add a task to the queue for the swarm.

        Args:
            description: What to do.
            required_tags: Capabilities the agent taking it needs.
            priority: Higher runs first.
        """
        subtasks.append(
            {
                "description": description,
                "required_tags": list(required_tags or []),
                "priority": priority,
            }
        )
        return "queued"

    return [Tool(add_finding), Tool(post_to_blackboard), Tool(add_subtask)]


class SwarmResult(BaseModel):
    """What a swarm run produced.

    Attributes:
        swarm_id: The swarm's id.
        success: No task failed.
        completed_tasks: Tasks that completed.
        failed_tasks: Tasks that failed (``error`` says why), or that no agent could take.
        context: The shared context at the end.
        summary: The answer.
        duration_ms: Wall time.
        error: Why it did not succeed, else ``None``.
    """

    swarm_id: str
    success: bool = True
    completed_tasks: list[SwarmTask] = Field(default_factory=list)
    failed_tasks: list[SwarmTask] = Field(default_factory=list)
    context: SharedContext = Field(default_factory=SharedContext)
    summary: str = ""
    duration_ms: float = 0.0
    error: str | None = None
