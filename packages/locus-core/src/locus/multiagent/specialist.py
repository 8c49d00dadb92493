"""Specialists: tool-bound agents with playbooks, consulted by an Orchestrator.

Playbooks are :class:`locus.playbooks.Playbook` (re-exported here): the same
model the :class:`~locus.playbooks.PlaybookEnforcer` keeps an agent to.

```python
from locus.models import ScriptedModel
from locus.multiagent.specialist import Playbook, PlaybookStep, Specialist

db = Specialist(
    name="db",
    specialist_type="database",
    system_prompt="You investigate database incidents.",
    playbooks=[
        Playbook(
            name="slow queries",
            description="latency of slow database queries",
            steps=[PlaybookStep(description="List the slowest queries")],
        )
    ],
    model=ScriptedModel(["Index missing on orders.user_id. Confidence: 0.9"]),
)
result = db.execute_sync("Why are database queries slow?")
assert result.success and result.confidence == 0.9
```
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from locus.playbooks._models import Playbook, PlaybookStep

if TYPE_CHECKING:
    from locus.agent import Agent
    from locus.agent.result import AgentResult
    from locus.tools import Tool

__all__ = [
    "Playbook",
    "PlaybookStep",
    "Specialist",
    "SpecialistResult",
    "create_code_analyst",
    "create_log_analyst",
    "create_metrics_analyst",
    "create_trace_analyst",
]

DEFAULT_CONFIDENCE = 0.5
"""Confidence of an answer that states none (and has no Reflexion score)."""

_CONFIDENCE = re.compile(r"confidence\W{0,3}\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+")


class SpecialistResult(BaseModel):
    """What a specialist found.

    Attributes:
        specialist_id: Id of the specialist.
        specialist_type: Its kind (``"logs"``, ``"metrics"``...).
        output: Its answer.
        confidence: 0..1: the score the answer states (``Confidence: 0.8``),
            else the Reflexion score, else :data:`DEFAULT_CONFIDENCE`.
        duration_ms: Wall time of its run.
        state: Run facts (``playbook``, ``iterations``, ``tools_called``).
        error: ``"<ErrorType>: message"`` when it failed, else ``None``.
    """

    specialist_id: str
    specialist_type: str = "general"
    output: str = ""
    confidence: float = 0.0
    duration_ms: float = 0.0
    state: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None

    @property
    def success(self) -> bool:
        """The specialist answered (no error)."""
        return self.error is None


def parse_confidence(text: str) -> float | None:
    """The confidence an answer states (``Confidence: 0.8`` or ``confidence 80%``), if any."""
    match = _CONFIDENCE.search(text)
    if match is None:
        return None
    value = float(match.group(1))
    if match.group(2) or value > 1.0:
        value /= 100.0
    return max(0.0, min(1.0, value))


class Specialist(BaseModel):
    """A tool-bound expert agent with playbooks.

    Args:
        name: Name (unique within an orchestrator).
        specialist_type: Its kind, for routing and reports.
        description: What it is good at (the orchestrator reads it).
        system_prompt: Its instructions.
        tools: Its tools (``@tool`` functions...).
        playbooks: Procedures; the best match for a task is added to the prompt.
        max_iterations: Loop cap of its agent.
        confidence_threshold: Below this a result counts as a weak signal.
        model: Its model (default: the orchestrator's).
        id: Stable id (default: ``name``).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = ""
    name: str
    specialist_type: str = "general"
    description: str = ""
    system_prompt: str = ""
    tools: list[Any] = Field(default_factory=list)
    playbooks: list[Playbook] = Field(default_factory=list)
    max_iterations: int = Field(default=10, ge=1)
    confidence_threshold: float = Field(default=0.0, ge=0.0, le=1.0)
    model: Any = None

    _agents: dict[Any, Agent] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        if not self.id:
            self.id = self.name

    def select_playbook(self, task: str) -> Playbook | None:
        """The playbook whose name and description share the most words with ``task``."""
        words = set(_WORD.findall(task.lower()))
        best: Playbook | None = None
        best_score = 0
        for playbook in self.playbooks:
            score = len(
                words & set(_WORD.findall(f"{playbook.name} {playbook.description}".lower()))
            )
            if score > best_score:
                best, best_score = playbook, score
        return best

    def with_model(self, model: Any) -> Specialist:
        """A copy using ``model``."""
        return self.model_copy(update={"model": model})

    def as_agent(self, playbook: Playbook | None = None, model: Any = None) -> Agent:
        """The :class:`~locus.agent.Agent` this specialist runs (built once per playbook/model)."""
        model = self.model if self.model is not None else model
        key = (id(model), playbook.name if playbook else None, self.system_prompt, len(self.tools))
        agent = self._agents.get(key)
        if agent is None:
            from locus.agent import Agent

            prompt = self.system_prompt or f"You are the {self.name} specialist."
            if self.description:
                prompt += f"\nExpertise: {self.description}"
            if playbook is not None:
                prompt += "\n\n" + playbook.to_prompt()
            prompt += "\nEnd your answer with 'Confidence: <0..1>'."
            agent = Agent(
                model=model,
                tools=self.tools,
                system_prompt=prompt,
                max_iterations=self.max_iterations,
                name=self.name,
                description=self.description or None,
            )
            self._agents[key] = agent
        return agent

    async def execute(
        self, task: str, context: dict[str, Any] | None = None, *, model: Any = None
    ) -> SpecialistResult:
        """Work on ``task``; failures come back as a result with ``error`` set.

        Args:
            task: The sub-task.
            context: Extra facts for the prompt (shown as ``key: value`` lines).
            model: Model to use when the specialist has none of its own.
        """
        playbook = self.select_playbook(task)
        prompt = task
        if context:
            prompt += "\n\nContext:\n" + "\n".join(f"{k}: {v}" for k, v in context.items())
        started = time.perf_counter()
        try:
            result: AgentResult = await self.as_agent(playbook, model).invoke(prompt)
        except Exception as exc:  # reported in the result; the orchestrator carries on
            return SpecialistResult(
                specialist_id=self.id,
                specialist_type=self.specialist_type,
                duration_ms=(time.perf_counter() - started) * 1000.0,
                state={"playbook": playbook.name if playbook else None},
                error=f"{type(exc).__name__}: {exc}",
            )
        stated = parse_confidence(result.message)
        confidence = stated if stated is not None else result.confidence
        return SpecialistResult(
            specialist_id=self.id,
            specialist_type=self.specialist_type,
            output=result.message,
            confidence=DEFAULT_CONFIDENCE if confidence is None else confidence,
            duration_ms=(time.perf_counter() - started) * 1000.0,
            state={
                "playbook": playbook.name if playbook else None,
                "iterations": result.iterations,
                "tools_called": [t.name for t in result.tool_executions],
                "stop_reason": result.stop_reason,
            },
        )

    def execute_sync(self, task: str, context: dict[str, Any] | None = None) -> SpecialistResult:
        """Blocking :meth:`execute`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.execute(task, context))

    async def invoke(self, prompt: Any, *, thread_id: str | None = None) -> AgentResult:
        """Run like an Agent (its playbook chosen from ``prompt``)."""
        text = str(prompt)
        return await self.as_agent(self.select_playbook(text)).invoke(text, thread_id=thread_id)

    def run_sync(self, prompt: Any, *, thread_id: str | None = None) -> AgentResult:
        """Blocking :meth:`invoke`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.invoke(prompt, thread_id=thread_id))

    def as_tool(self, name: str | None = None, description: str | None = None) -> Tool:
        """This specialist as a tool another agent can call."""
        return self.as_agent().as_tool(name=name, description=description)


def _analyst(
    name: str, kind: str, description: str, prompt: str, playbook: Playbook, model: Any, tools: Any
) -> Specialist:
    return Specialist(
        name=name,
        specialist_type=kind,
        description=description,
        system_prompt=prompt,
        tools=list(tools or []),
        playbooks=[playbook],
        model=model,
    )


def create_log_analyst(model: Any = None, tools: list[Tool] | None = None) -> Specialist:
    """A specialist reading logs: error bursts, first occurrence, stack traces."""
    return _analyst(
        "log_analyst",
        "logs",
        "Finds errors, exceptions and anomalies in application and system logs.",
        "You are a log analyst. Use your tools to read the logs; quote the lines you rely on.",
        Playbook(
            name="error burst",
            description="errors exceptions failures in logs",
            steps=[
                PlaybookStep(description="Search the logs around the incident window"),
                PlaybookStep(description="Find the first occurrence of each new error"),
                PlaybookStep(description="Group errors by signature and count them"),
            ],
            success_criteria=["the first failing component is named", "evidence lines are quoted"],
        ),
        model,
        tools,
    )


def create_metrics_analyst(model: Any = None, tools: list[Tool] | None = None) -> Specialist:
    """A specialist reading metrics: saturation, latency and error-rate changes."""
    return _analyst(
        "metrics_analyst",
        "metrics",
        "Reads time series (latency, error rate, saturation) and spots changes.",
        "You are a metrics analyst. Use your tools to read metrics; give numbers and times.",
        Playbook(
            name="golden signals",
            description="latency errors traffic saturation metrics",
            steps=[
                PlaybookStep(
                    description="Compare latency, errors, traffic, saturation to baseline"
                ),
                PlaybookStep(description="Find when each signal changed"),
            ],
            success_criteria=["the change point is timestamped"],
        ),
        model,
        tools,
    )


def create_trace_analyst(model: Any = None, tools: list[Tool] | None = None) -> Specialist:
    """A specialist reading distributed traces: slow or failing spans."""
    return _analyst(
        "trace_analyst",
        "traces",
        "Follows distributed traces to the slow or failing span and service.",
        "You are a tracing analyst. Use your tools to read traces; name services and spans.",
        Playbook(
            name="critical path",
            description="slow failing spans traces latency services",
            steps=[
                PlaybookStep(description="Find traces of failing or slow requests"),
                PlaybookStep(description="Walk the critical path to the span that dominates"),
            ],
            success_criteria=["the responsible service and span are named"],
        ),
        model,
        tools,
    )


def create_code_analyst(model: Any = None, tools: list[Tool] | None = None) -> Specialist:
    """A specialist reading code and changes: recent deploys, diffs, suspect commits."""
    return _analyst(
        "code_analyst",
        "code",
        "Reviews recent changes and code paths for the cause of a defect.",
        "You are a code analyst. Use your tools to read diffs and code; cite files and lines.",
        Playbook(
            name="recent change",
            description="deploy commit diff code change regression",
            steps=[
                PlaybookStep(description="List changes deployed before the incident"),
                PlaybookStep(description="Read the diffs touching the failing path"),
            ],
            success_criteria=["a suspect change is named or ruled out"],
        ),
        model,
        tools,
    )
