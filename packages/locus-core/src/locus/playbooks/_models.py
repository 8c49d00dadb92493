"""Playbooks as data: `Playbook`, `PlaybookStep`, and a run's `PlaybookPlan`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator

__all__ = ["Playbook", "PlaybookPlan", "PlaybookStep", "StepExecution", "StepStatus"]

_SLUG = re.compile(r"[^a-z0-9]+")


class PlaybookStep(BaseModel):
    """One step of a playbook.

    Attributes:
        id: Unique id within the playbook (default ``step-<n>``).
        description: What to do (``instruction=`` is accepted too).
        expected_tools: Tools the step uses; each must have been called
            successfully before the step counts as done (``required_tools=``
            is accepted too). A step with none is completed by
            :meth:`~locus.playbooks.PlaybookEnforcer.complete_current_step`.
        hints: Guidance shown to the model while the step is current.
        required: ``False``: the agent may skip the step.
        preconditions: Ids of steps that must be completed before this one starts.
        validation: What the step's result must show (shown to the model).
        expected_output: What the step produces (shown to the model).
        on_failure: What to do when the step fails (shown to the model).
        max_tool_calls: Most tool calls the step may take (``None``: no limit).
        timeout_seconds: Advisory time budget for the step.
        metadata: Free-form data.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    id: str = ""
    description: str = Field(
        default="", validation_alias=AliasChoices("description", "instruction")
    )
    expected_tools: list[str] = Field(
        default_factory=list, validation_alias=AliasChoices("expected_tools", "required_tools")
    )
    hints: list[str] = Field(default_factory=list)
    required: bool = True
    preconditions: list[str] = Field(default_factory=list)
    validation: str = ""
    expected_output: str = ""
    on_failure: str = ""
    max_tool_calls: int | None = Field(default=None, ge=1)
    timeout_seconds: float | None = Field(default=None, gt=0)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def instruction(self) -> str:
        """Alias of :attr:`description`."""
        return self.description

    @property
    def required_tools(self) -> list[str]:
        """Alias of :attr:`expected_tools`."""
        return self.expected_tools

    def to_prompt_line(self, index: int) -> str:
        """The step as one numbered line of instructions."""
        line = f"{index}. {self.description}"
        if self.expected_tools:
            line += f" (tools: {', '.join(self.expected_tools)})"
        if self.expected_output:
            line += f" -> {self.expected_output}"
        if self.on_failure:
            line += f" [if it fails: {self.on_failure}]"
        if not self.required:
            line += " (optional)"
        return line


class Playbook(BaseModel):
    """A procedure an agent follows: ordered steps, preconditions, success criteria.

    Used by :class:`~locus.playbooks.PlaybookEnforcer` (keeping an agent to
    the steps) and by :class:`~locus.multiagent.specialist.Specialist`
    (the best-matching playbook goes into its prompt).

    Attributes:
        id: Stable id (default: the name as a slug).
        name: Name (specialists match it against tasks).
        description: The tasks it is for (specialists match it too).
        version: Version label.
        steps: The steps, in order.
        preconditions: What must hold before starting (shown to the model).
        success_criteria: What a complete answer contains (shown to the model).
        strict_sequence: Steps must be done in order (a tool of a later step
            is a violation while an earlier required step is open).
        allow_extra_tools: Tools no step names may be called at any time.
        max_iterations: Advisory loop budget.
        metadata: Free-form data.
        tags: Labels.
    """

    model_config = ConfigDict(extra="forbid")

    id: str = ""
    name: str = Field(min_length=1)
    description: str = ""
    version: str = "1"
    steps: list[PlaybookStep] = Field(default_factory=list)
    preconditions: list[str] = Field(default_factory=list)
    success_criteria: list[str] = Field(default_factory=list)
    strict_sequence: bool = True
    allow_extra_tools: bool = True
    max_iterations: int | None = Field(default=None, ge=1)
    metadata: dict[str, Any] = Field(default_factory=dict)
    tags: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids(self) -> Playbook:
        if not self.id:
            self.id = _SLUG.sub("-", self.name.lower()).strip("-") or "playbook"
        seen: set[str] = set()
        for index, step in enumerate(self.steps, 1):
            if not step.id:
                step.id = f"step-{index}"
            if step.id in seen:
                raise ValueError(f"two steps have the id {step.id!r}; step ids must be unique")
            for needed in step.preconditions:
                if needed not in seen:
                    raise ValueError(
                        f"step {step.id!r} needs {needed!r}, which is not an earlier step"
                    )
            seen.add(step.id)
        return self

    def get_step(self, step_id: str) -> PlaybookStep | None:
        """The step with id ``step_id``, if any."""
        return next((s for s in self.steps if s.id == step_id), None)

    def get_step_index(self, step_id: str) -> int | None:
        """The 0-based position of step ``step_id``, if any."""
        return next((i for i, s in enumerate(self.steps) if s.id == step_id), None)

    def to_prompt(self) -> str:
        """The playbook as instructions for the model."""
        lines = [
            f"Follow the playbook '{self.name}'"
            + (f": {self.description}" if self.description else ".")
        ]
        if self.preconditions:
            lines.append("Preconditions: " + "; ".join(self.preconditions))
        lines += [step.to_prompt_line(i) for i, step in enumerate(self.steps, 1)]
        if self.success_criteria:
            lines.append("Done when: " + "; ".join(self.success_criteria))
        return "\n".join(lines)


class StepStatus(StrEnum):
    """Where a step stands in a run."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    SKIPPED = "skipped"
    FAILED = "failed"


def _now() -> datetime:
    return datetime.now(UTC)


class StepExecution(BaseModel):
    """One step's record in a run.

    Attributes:
        step_id: The step.
        status: Where it stands.
        started_at: When its first tool call came (or it was started).
        completed_at: When it completed, was skipped or failed.
        tool_calls: Names of the tools called in the step, in order.
        tool_call_count: ``len(tool_calls)``.
        succeeded_tools: Tools of the step that returned without an error.
        error: Why it failed.
        result: Free-form result recorded by ``complete_current_step``.
    """

    step_id: str
    status: StepStatus = StepStatus.PENDING
    started_at: datetime | None = None
    completed_at: datetime | None = None
    tool_calls: list[str] = Field(default_factory=list)
    tool_call_count: int = 0
    succeeded_tools: list[str] = Field(default_factory=list)
    error: str | None = None
    result: Any = None

    @property
    def done(self) -> bool:
        """Completed or skipped."""
        return self.status in (StepStatus.COMPLETED, StepStatus.SKIPPED)


class PlaybookPlan(BaseModel):
    """A playbook being followed: one :class:`StepExecution` per step.

    Attributes:
        playbook: The playbook.
        started_at: When the plan was made.
        current_step_index: The first step not yet done (``len(steps)`` when all are).
        step_executions: Per step, in order.
        completed: Every step is done.
        total_tool_calls: Tool calls recorded.
        errors: Failures recorded, in order.
        metadata: Free-form data.
    """

    playbook: Playbook
    started_at: datetime = Field(default_factory=_now)
    current_step_index: int = 0
    step_executions: list[StepExecution] = Field(default_factory=list)
    completed: bool = False
    total_tool_calls: int = 0
    errors: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _executions(self) -> PlaybookPlan:
        if not self.step_executions:
            self.step_executions = [StepExecution(step_id=s.id) for s in self.playbook.steps]
        self.completed = all(e.done for e in self.step_executions)
        return self

    @property
    def current_step(self) -> PlaybookStep | None:
        """The first step not yet done, or ``None`` when all are."""
        if self.current_step_index >= len(self.playbook.steps):
            return None
        return self.playbook.steps[self.current_step_index]

    @property
    def progress(self) -> float:
        """Share of steps done (1.0 for a playbook without steps)."""
        total = len(self.step_executions)
        return sum(e.done for e in self.step_executions) / total if total else 1.0

    @property
    def completed_steps(self) -> list[str]:
        """Ids of completed or skipped steps."""
        return [e.step_id for e in self.step_executions if e.done]

    @property
    def pending_steps(self) -> list[str]:
        """Ids of steps not yet done."""
        return [e.step_id for e in self.step_executions if not e.done]

    def get_step_execution(self, step_id: str) -> StepExecution | None:
        """The record of step ``step_id``, if any."""
        return next((e for e in self.step_executions if e.step_id == step_id), None)

    def is_step_complete(self, step_id: str) -> bool:
        """Step ``step_id`` is completed or skipped."""
        execution = self.get_step_execution(step_id)
        return execution is not None and execution.done
