"""Checks: the built-in ones every case gets, custom scorers and an LLM judge.

A check is any object with a ``name`` and an async ``__call__(run) -> CheckResult``
(:class:`EvalCheck`). :class:`Scorer` wraps a plain function; :class:`LLMJudge`
asks a model to grade the answer.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from locus.core.errors import ValidationError
from locus.evaluation._case import EvalCase

__all__ = ["CheckResult", "EvalCheck", "EvalRun", "LLMJudge", "Scorer", "builtin_checks"]


class CheckResult(BaseModel):
    """The verdict of one check on one case.

    Attributes:
        name: The check (``expected_tools``, ``output_contains``, a scorer's name...).
        passed: Whether the case met it.
        score: 0.0 to 1.0 (1.0 for a passed yes/no check).
        detail: What was expected and what was seen, for a failing check.
    """

    model_config = ConfigDict(frozen=True)

    name: str
    passed: bool
    score: float = Field(ge=0.0, le=1.0)
    detail: str = ""


@dataclass
class EvalRun:
    """What one case's run produced; the input of every check.

    Attributes:
        case: The case.
        output: The final answer text ("" when the run failed).
        tools_called: Tool names in call order.
        iterations: Loop iterations taken.
        duration_ms: Wall-clock time of the run.
        error: Why the run failed (exception text or time-out), else ``None``.
        result: The agent's :class:`~locus.agent.result.AgentResult`, if it finished.
    """

    case: EvalCase
    output: str = ""
    tools_called: list[str] = field(default_factory=list)
    iterations: int = 0
    duration_ms: float = 0.0
    error: str | None = None
    result: Any = None


@runtime_checkable
class EvalCheck(Protocol):
    """A pluggable check: a name and an async call grading one run."""

    name: str

    def __call__(self, run: EvalRun) -> Awaitable[CheckResult]:
        """Grade ``run``."""
        ...


def _verdict(name: str, ok: bool, detail: str) -> CheckResult:
    return CheckResult(name=name, passed=ok, score=1.0 if ok else 0.0, detail="" if ok else detail)


def builtin_checks(run: EvalRun) -> list[CheckResult]:
    """The checks a case asks for through its own fields (only those it sets)."""
    case = run.case
    out: list[CheckResult] = []
    if case.expected_tools:
        missing = [t for t in case.expected_tools if t not in run.tools_called]
        out.append(
            _verdict(
                "expected_tools",
                not missing,
                f"not called: {missing}; called: {run.tools_called}",
            )
        )
    text = run.output.lower()
    if case.expected_output_contains:
        absent = [s for s in case.expected_output_contains if s.lower() not in text]
        out.append(_verdict("output_contains", not absent, f"answer lacks {absent}"))
    if case.expected_output_not_contains:
        present = [s for s in case.expected_output_not_contains if s.lower() in text]
        out.append(_verdict("output_not_contains", not present, f"answer contains {present}"))
    if case.max_iterations is not None:
        out.append(
            _verdict(
                "max_iterations",
                run.iterations <= case.max_iterations,
                f"took {run.iterations} iterations, limit {case.max_iterations}",
            )
        )
    if case.max_duration_ms is not None:
        out.append(
            _verdict(
                "max_duration_ms",
                run.duration_ms <= case.max_duration_ms and run.error is None,
                f"took {run.duration_ms:.0f} ms, limit {case.max_duration_ms:.0f} ms",
            )
        )
    return out


ScoreFn = Callable[[EvalRun], "bool | float | CheckResult | Awaitable[bool | float | CheckResult]"]


class Scorer:
    """A custom check from a function of the run.

    The function returns ``True``/``False``, a score in [0, 1] (passing at
    ``threshold`` or above) or a full :class:`CheckResult`; it may be async.

    Args:
        fn: ``fn(run) -> bool | float | CheckResult`` (or awaitable).
        name: Check name (default: the function's name).
        threshold: Lowest passing score for float results.
    """

    def __init__(self, fn: ScoreFn, *, name: str | None = None, threshold: float = 1.0) -> None:
        if not callable(fn):
            raise ValidationError(f"Scorer needs a function of the run, got {fn!r}")
        if not 0.0 <= threshold <= 1.0:
            raise ValidationError(f"threshold must be within [0, 1], got {threshold}")
        self.fn = fn
        self.name: str = name or str(getattr(fn, "__name__", "scorer"))
        self.threshold = threshold

    async def __call__(self, run: EvalRun) -> CheckResult:
        """Run the function and turn its value into a :class:`CheckResult`."""
        value = self.fn(run)
        if inspect.isawaitable(value):
            value = await value
        if isinstance(value, CheckResult):
            return value
        if isinstance(value, bool):
            return _verdict(self.name, value, "scorer returned False")
        if isinstance(value, int | float):
            score = min(max(float(value), 0.0), 1.0)
            ok = score >= self.threshold
            detail = "" if ok else f"score {score:.2f} below {self.threshold:.2f}"
            return CheckResult(name=self.name, passed=ok, score=score, detail=detail)
        raise ValidationError(
            f"scorer {self.name!r} returned {type(value).__name__}; "
            "return a bool, a float in [0, 1] or a CheckResult"
        )


_SCORE = re.compile(r"score\W{0,3}\s*([01](?:\.[0-9]+)?)", re.IGNORECASE)

JUDGE_PROMPT = """You grade an AI agent's answer.

Task given to the agent:
{prompt}

The agent's answer:
{output}

Criteria:
{criteria}

Reply with one line "SCORE: <number from 0 to 1>" then one line "REASON: <why>"."""


class LLMJudge:
    """A check where a model grades the answer against criteria.

    The criteria come from ``case.metadata["criteria"]`` when set, else from
    ``criteria``. The judge's reply must contain ``SCORE: <0..1>``; a reply
    without one fails the check and shows the reply.

    Args:
        model: Any :class:`~locus.core.protocols.ModelProtocol` (or a model string).
        criteria: Default criteria for cases that set none.
        threshold: Lowest passing score.
        name: Check name.
    """

    def __init__(
        self,
        model: Any,
        *,
        criteria: str = "The answer is correct, complete and addresses the task.",
        threshold: float = 0.7,
        name: str = "judge",
    ) -> None:
        from locus.agent._helpers import resolve_model

        if not 0.0 <= threshold <= 1.0:
            raise ValidationError(f"threshold must be within [0, 1], got {threshold}")
        self.model = resolve_model(model)
        self.criteria = criteria
        self.threshold = threshold
        self.name = name

    async def __call__(self, run: EvalRun) -> CheckResult:
        """Ask the judge model and parse its score."""
        from locus.core.messages import Message

        if run.error is not None:
            return _verdict(self.name, False, f"not judged: the run failed ({run.error})")
        criteria = str(run.case.metadata.get("criteria") or self.criteria)
        text = JUDGE_PROMPT.format(prompt=run.case.prompt, output=run.output, criteria=criteria)
        response = await self.model.complete([Message.user(text)])
        reply = response.text
        match = _SCORE.search(reply)
        if match is None:
            return _verdict(self.name, False, f"judge reply has no SCORE: {reply[:200]!r}")
        score = min(float(match.group(1)), 1.0)
        ok = score >= self.threshold
        reason = reply[match.end() :].strip().removeprefix("REASON:").strip()
        detail = "" if ok else f"score {score:.2f} below {self.threshold:.2f}: {reason[:300]}"
        return CheckResult(name=self.name, passed=ok, score=score, detail=detail)
