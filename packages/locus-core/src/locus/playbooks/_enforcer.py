"""Keeping an agent to a playbook's steps: :class:`PlaybookEnforcer`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from locus.core.errors import ValidationError
from locus.observability import emit
from locus.playbooks._models import Playbook, PlaybookPlan, PlaybookStep, StepStatus

__all__ = ["EnforcementResult", "EnforcementViolation", "PlaybookEnforcer", "ViolationType"]

ViolationType = Literal[
    "out_of_order", "precondition_unmet", "unexpected_tool", "step_budget_exceeded"
]


def _now() -> datetime:
    return datetime.now(UTC)


class EnforcementViolation(BaseModel):
    """A tool call that broke the playbook.

    Attributes:
        violation_type: ``out_of_order`` (a later step's tool while an earlier
            required step is open), ``precondition_unmet`` (a step whose
            preconditions are not completed), ``unexpected_tool`` (a tool no
            step names, with ``allow_extra_tools=False``) or
            ``step_budget_exceeded`` (past the step's ``max_tool_calls``).
        step_id: The step the call was checked against.
        tool_name: The tool.
        message: What went wrong and what to do instead (the model sees it).
        timestamp: When.
        blocked: The call was refused.
    """

    violation_type: ViolationType
    step_id: str | None
    tool_name: str
    message: str
    timestamp: datetime = Field(default_factory=_now)
    blocked: bool = True


class EnforcementResult(BaseModel):
    """The verdict on one tool call.

    Attributes:
        allowed: The call may run.
        violation: The violation, when there is one (even if not blocked).
        hints: Guidance for the current step.
        current_step: Id of the current step, ``None`` when all are done.
    """

    allowed: bool
    violation: EnforcementViolation | None = None
    hints: list[str] = Field(default_factory=list)
    current_step: str | None = None


class PlaybookEnforcer:
    """Tracks a run through a playbook and judges each tool call against it.

    A step counts as done once every tool in its ``expected_tools`` has
    returned without an error (or through :meth:`complete_current_step` /
    :meth:`skip_current_step`). With ``strict_sequence`` a later step's tool
    is a violation while an earlier *required* step is open; optional steps
    in between are skipped. A step's ``preconditions`` (ids of earlier steps)
    must be done before its tools run.

    Inside a ``run_context()`` it publishes ``agent.playbook.violation``,
    ``agent.playbook.step.completed`` and ``agent.playbook.completed``.

    Args:
        plan: A :class:`PlaybookPlan`, or a :class:`Playbook` to start one.
        block_violations: Refuse violating calls (else only record them).
        record_violations: Keep violations in :attr:`violations`.
    """

    def __init__(
        self,
        plan: PlaybookPlan | Playbook,
        *,
        block_violations: bool = True,
        record_violations: bool = True,
    ) -> None:
        if isinstance(plan, Playbook):
            plan = PlaybookPlan(playbook=plan)
        if not isinstance(plan, PlaybookPlan):
            raise ValidationError(
                f"PlaybookEnforcer needs a Playbook or PlaybookPlan, got {plan!r}"
            )
        self.plan = plan
        self.block_violations = block_violations
        self.record_violations = record_violations
        self._violations: list[EnforcementViolation] = []

    @classmethod
    def from_playbook(cls, playbook: Playbook, **options: Any) -> PlaybookEnforcer:
        """An enforcer over a fresh plan of ``playbook``."""
        return cls(PlaybookPlan(playbook=playbook), **options)

    # -- state ------------------------------------------------------------------

    @property
    def playbook(self) -> Playbook:
        """The playbook."""
        return self.plan.playbook

    @property
    def violations(self) -> list[EnforcementViolation]:
        """Violations recorded so far, in order."""
        return list(self._violations)

    @property
    def current_step(self) -> PlaybookStep | None:
        """The first step not yet done."""
        return self.plan.current_step

    @property
    def current_step_hints(self) -> list[str]:
        """The current step's hints."""
        step = self.current_step
        return list(step.hints) if step else []

    @property
    def progress(self) -> float:
        """Share of steps done."""
        return self.plan.progress

    @property
    def is_complete(self) -> bool:
        """Every step is done."""
        return self.plan.completed

    def reset(self) -> None:
        """Start the playbook over (violations are cleared)."""
        self.plan = PlaybookPlan(playbook=self.playbook)
        self._violations.clear()

    # -- judging calls ----------------------------------------------------------------

    def _target(self, tool_name: str) -> int | None:
        """Index of the open step this tool belongs to (first open owner), if any."""
        steps = self.playbook.steps
        execs = self.plan.step_executions
        for index, step in enumerate(steps):
            if tool_name in step.expected_tools and not execs[index].done:
                return index
        return None

    def _violation(
        self, kind: ViolationType, step: PlaybookStep | None, tool: str, message: str
    ) -> EnforcementViolation:
        violation = EnforcementViolation(
            violation_type=kind,
            step_id=step.id if step else None,
            tool_name=tool,
            message=f"{message} {self.get_next_step_hints()}".strip(),
            blocked=self.block_violations,
        )
        if self.record_violations:
            self._violations.append(violation)
        emit(
            "agent.playbook.violation",
            playbook=self.playbook.id,
            violation_type=kind,
            step_id=violation.step_id,
            tool_name=tool,
            blocked=violation.blocked,
        )
        return violation

    def validate_tool_call(self, tool_name: str) -> EnforcementResult:
        """Judge a call of ``tool_name`` before it runs (records a violation if any)."""
        current = self.current_step
        verdict = self._judge(tool_name)
        violation = None
        if verdict is not None:
            kind, step, message = verdict
            violation = self._violation(kind, step, tool_name, message)
        return EnforcementResult(
            allowed=violation is None or not self.block_violations,
            violation=violation,
            hints=self.current_step_hints,
            current_step=current.id if current else None,
        )

    def _judge(self, tool: str) -> tuple[ViolationType, PlaybookStep | None, str] | None:
        steps = self.playbook.steps
        execs = self.plan.step_executions
        target = self._target(tool)
        if target is None:
            named = any(tool in s.expected_tools for s in steps)
            if named or self.playbook.allow_extra_tools:
                return None
            return (
                "unexpected_tool",
                self.current_step,
                f"No step of playbook '{self.playbook.name}' uses {tool!r}.",
            )
        step = steps[target]
        if self.playbook.strict_sequence:
            open_required = [
                s for i, s in enumerate(steps[:target]) if s.required and not execs[i].done
            ]
            if open_required:
                first = open_required[0]
                return (
                    "out_of_order",
                    first,
                    f"{tool!r} belongs to step '{step.id}', but step '{first.id}' "
                    f"({first.description}) must be done first.",
                )
        unmet = [p for p in step.preconditions if not self.plan.is_step_complete(p)]
        if unmet:
            return (
                "precondition_unmet",
                step,
                f"Step '{step.id}' needs step(s) {unmet} done before {tool!r} runs.",
            )
        budget = step.max_tool_calls
        if budget is not None and execs[target].tool_call_count >= budget:
            return (
                "step_budget_exceeded",
                step,
                f"Step '{step.id}' already used its {budget} tool call(s).",
            )
        return None

    # -- recording ----------------------------------------------------------------------

    def record_tool_call(self, tool_name: str, *, success: bool = True) -> list[str]:
        """Record a call that ran; returns the ids of steps it completed."""
        self.plan.total_tool_calls += 1
        target = self._target(tool_name)
        if target is None:
            current = self.plan.current_step_index
            if current < len(self.plan.step_executions):
                execution = self.plan.step_executions[current]
                execution.tool_calls.append(tool_name)
                execution.tool_call_count += 1
            return []
        steps = self.playbook.steps
        execs = self.plan.step_executions
        if self.playbook.strict_sequence:
            for index in range(target):
                if not execs[index].done and not steps[index].required:
                    self._finish(index, StepStatus.SKIPPED)
        execution = execs[target]
        if execution.status is StepStatus.PENDING:
            execution.status = StepStatus.IN_PROGRESS
            execution.started_at = _now()
        execution.tool_calls.append(tool_name)
        execution.tool_call_count += 1
        if success and tool_name not in execution.succeeded_tools:
            execution.succeeded_tools.append(tool_name)
        completed: list[str] = []
        if all(t in execution.succeeded_tools for t in steps[target].expected_tools):
            self._finish(target, StepStatus.COMPLETED)
            completed.append(steps[target].id)
        return completed

    def _finish(self, index: int, status: StepStatus, *, error: str | None = None) -> None:
        execution = self.plan.step_executions[index]
        execution.status = status
        execution.completed_at = _now()
        execution.error = error
        if error:
            self.plan.errors.append(f"{execution.step_id}: {error}")
        if status is not StepStatus.FAILED:
            emit(
                "agent.playbook.step.completed",
                playbook=self.playbook.id,
                step_id=execution.step_id,
                status=status.value,
                tool_calls=execution.tool_call_count,
            )
        self._advance()

    def _advance(self) -> None:
        execs = self.plan.step_executions
        was_complete = self.plan.completed
        self.plan.current_step_index = next(
            (i for i, e in enumerate(execs) if not e.done), len(execs)
        )
        self.plan.completed = all(e.done for e in execs)
        if self.plan.completed and not was_complete:
            emit(
                "agent.playbook.completed",
                playbook=self.playbook.id,
                steps=len(execs),
                tool_calls=self.plan.total_tool_calls,
                violations=len(self._violations),
            )

    def _current_index(self) -> int:
        index = self.plan.current_step_index
        if index >= len(self.playbook.steps):
            raise ValidationError(f"playbook '{self.playbook.name}' has no open step")
        return index

    def complete_current_step(self, result: Any = None) -> None:
        """Mark the current step completed (for steps without tools, or by judgement)."""
        index = self._current_index()
        self.plan.step_executions[index].result = result
        self._finish(index, StepStatus.COMPLETED)

    def skip_current_step(self, reason: str = "") -> None:
        """Skip the current step.

        Raises:
            locus.core.errors.ValidationError: the step is required.
        """
        index = self._current_index()
        step = self.playbook.steps[index]
        if step.required:
            raise ValidationError(
                f"step '{step.id}' is required and cannot be skipped; mark it required: false "
                "in the playbook to make it optional"
            )
        self.plan.step_executions[index].result = reason or None
        self._finish(index, StepStatus.SKIPPED)

    def fail_current_step(self, error: str) -> None:
        """Mark the current step failed; it stays the current step (to retry or recover)."""
        index = self._current_index()
        execution = self.plan.step_executions[index]
        execution.status = StepStatus.FAILED
        execution.error = error
        self.plan.errors.append(f"{execution.step_id}: {error}")

    # -- guidance ------------------------------------------------------------------------

    def get_next_step_hints(self) -> str:
        """What the model should do next, as one paragraph."""
        step = self.current_step
        name = self.playbook.name
        if step is None:
            return f"Playbook '{name}' is complete."
        index = self.plan.current_step_index
        execution = self.plan.step_executions[index]
        text = (
            f"Current step {index + 1}/{len(self.playbook.steps)} '{step.id}': {step.description}."
        )
        todo = [t for t in step.expected_tools if t not in execution.succeeded_tools]
        if todo:
            text += f" Call: {', '.join(todo)}."
        if step.hints:
            text += " Hints: " + "; ".join(step.hints) + "."
        if execution.status is StepStatus.FAILED and step.on_failure:
            text += f" It failed ({execution.error}); {step.on_failure}."
        return text

    def get_step_summary(self) -> list[dict[str, Any]]:
        """Per step: id, description, status, tool calls, error."""
        return [
            {
                "id": step.id,
                "description": step.description,
                "status": execution.status.value,
                "tool_calls": list(execution.tool_calls),
                "error": execution.error,
            }
            for step, execution in zip(self.playbook.steps, self.plan.step_executions, strict=True)
        ]
