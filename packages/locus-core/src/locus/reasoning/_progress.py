"""A model-free progress check of an agent run: :class:`Reflector` (the original locus's name).

Reflexion (:class:`~locus.reasoning.Reflexion`) asks the model how the run is
going. :class:`Reflector` answers from the run's tool calls alone, at no model
cost: successful calls raise the confidence, failed calls lower it, the same
call repeated ``loop_threshold`` times is a loop, and a turn that answered
without tools earns a small completion bonus. Use it in custom loops and
tests; ``Agent(reflexion=...)`` uses Reflexion.
"""

from __future__ import annotations

import json
from collections import Counter
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from locus.core.errors import ValidationError
from locus.core.messages import Message, Role
from locus.core.state import AgentState, ToolExecution

__all__ = ["AssessmentCategory", "ReflectionResult", "Reflector", "evaluate_progress"]


class AssessmentCategory(StrEnum):
    """How the run is going."""

    ON_TRACK = "on_track"
    """Progressing, without new results this iteration (or small ones)."""
    STUCK = "stuck"
    """Calls fail, or no progress."""
    NEW_FINDINGS = "new_findings"
    """Successful calls brought results worth at least ``min_progress_delta``."""
    LOOP_DETECTED = "loop_detected"
    """The same call (name and arguments) was made ``loop_threshold`` times."""


class ReflectionResult(BaseModel):
    """One progress check.

    Attributes:
        confidence_delta: Change to apply to the run's confidence.
        assessment: The category.
        guidance: A hint for the model when the run is stuck or looping, else ``""``.
        loop_pattern: The repeated call (``name(arguments)``) when a loop was detected.
        findings_summary: The successful calls of the iteration, by name.
    """

    model_config = ConfigDict(frozen=True)

    confidence_delta: float
    assessment: AssessmentCategory
    guidance: str = ""
    loop_pattern: str | None = None
    findings_summary: str = ""


def _signature(execution: ToolExecution) -> str:
    arguments = json.dumps(execution.arguments, sort_keys=True, default=str)
    return f"{execution.name}({arguments})"


class Reflector:
    """Scores an iteration's progress from its tool calls.

    Args:
        loop_threshold: Times the same call may repeat in the run before it counts as a loop.
        success_weight: Confidence gained per successful call.
        error_penalty: Confidence lost per failed call (and on a loop).
        diminishing_returns: Scale gains by how much confidence is left to gain
            (``1 - confidence``), so confidence approaches 1 without overshooting.
        min_progress_delta: Smallest gain that counts as ``NEW_FINDINGS``.
        completion_bonus: Gain for an iteration that answered without tools.

    Raises:
        locus.core.errors.ValidationError: ``loop_threshold`` < 2 or a negative weight.
    """

    def __init__(
        self,
        loop_threshold: int = 3,
        success_weight: float = 0.15,
        error_penalty: float = 0.2,
        diminishing_returns: bool = True,
        min_progress_delta: float = 0.05,
        completion_bonus: float = 0.05,
    ) -> None:
        if loop_threshold < 2:
            raise ValidationError(f"Reflector(loop_threshold) must be >= 2, got {loop_threshold}")
        weights = {
            "success_weight": success_weight,
            "error_penalty": error_penalty,
            "min_progress_delta": min_progress_delta,
            "completion_bonus": completion_bonus,
        }
        for name, value in weights.items():
            if value < 0:
                raise ValidationError(f"Reflector({name}) must be >= 0, got {value}")
        self.loop_threshold = loop_threshold
        self.success_weight = success_weight
        self.error_penalty = error_penalty
        self.diminishing_returns = diminishing_returns
        self.min_progress_delta = min_progress_delta
        self.completion_bonus = completion_bonus

    def reflect(
        self, state: AgentState, iteration_executions: list[ToolExecution] | None = None
    ) -> ReflectionResult:
        """Check the iteration that just ran.

        Args:
            state: The run's state (its tool calls and confidence).
            iteration_executions: The iteration's tool calls; by default those of
                ``state.iteration`` in ``state.tool_executions``.
        """
        executions = (
            [e for e in state.tool_executions if e.iteration == state.iteration]
            if iteration_executions is None
            else list(iteration_executions)
        )
        repeated = Counter(_signature(e) for e in state.tool_executions)
        looping = [
            s
            for s in dict.fromkeys(_signature(e) for e in executions)
            if repeated[s] >= self.loop_threshold
        ]
        if looping:
            return ReflectionResult(
                confidence_delta=-self.error_penalty,
                assessment=AssessmentCategory.LOOP_DETECTED,
                guidance=(
                    f"You have called {looping[0]} {repeated[looping[0]]} times with the same "
                    "arguments. Use the results you have or try a different approach."
                ),
                loop_pattern=looping[0],
            )
        successes = [e for e in executions if e.error is None]
        failures = len(executions) - len(successes)
        gain = len(successes) * self.success_weight
        if not executions and _answered(state):
            gain = self.completion_bonus
        if self.diminishing_returns:
            gain *= 1.0 - (state.confidence or 0.0)
        delta = gain - failures * self.error_penalty
        summary = ", ".join(dict.fromkeys(e.name for e in successes))
        if successes and delta >= self.min_progress_delta:
            assessment = AssessmentCategory.NEW_FINDINGS
        elif delta > 0 or (successes and not failures):
            assessment = AssessmentCategory.ON_TRACK
        else:
            assessment = AssessmentCategory.STUCK
        guidance = ""
        if assessment is AssessmentCategory.STUCK:
            guidance = (
                f"{failures} tool call(s) failed this iteration; check the errors and the "
                "arguments before trying again."
                if failures
                else "No progress this iteration; decide what information is still missing."
            )
        return ReflectionResult(
            confidence_delta=delta,
            assessment=assessment,
            guidance=guidance,
            findings_summary=summary,
        )

    def adjust_state_confidence(self, state: AgentState, result: ReflectionResult) -> AgentState:
        """A copy of ``state`` with ``result``'s delta applied to its confidence (kept in 0..1)."""
        confidence = min(max((state.confidence or 0.0) + result.confidence_delta, 0.0), 1.0)
        return state.model_copy(update={"confidence": confidence})

    def create_guidance_message(self, result: ReflectionResult) -> Message | None:
        """The guidance as a user message for the next model turn (``None``: no guidance)."""
        if not result.guidance:
            return None
        message = Message.user(result.guidance)
        message.metadata["locus"] = "reflector_guidance"
        return message


def _answered(state: AgentState) -> bool:
    last = state.last_message
    return last is not None and last.role is Role.ASSISTANT and bool(last.content)


def evaluate_progress(
    state: AgentState, executions: list[ToolExecution] | None = None, **reflector_kwargs: Any
) -> ReflectionResult:
    """``Reflector(**reflector_kwargs).reflect(state, executions)``."""
    return Reflector(**reflector_kwargs).reflect(state, executions)
