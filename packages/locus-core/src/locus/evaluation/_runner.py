"""Running cases against an agent: :class:`EvalRunner`."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterable, Sequence
from typing import IO, Any

from locus.core.errors import ValidationError
from locus.evaluation._case import EvalCase
from locus.evaluation._checks import CheckResult, EvalCheck, EvalRun, builtin_checks
from locus.evaluation._report import EvalReport, EvalResult
from locus.observability import emit

__all__ = ["EvalRunner"]


class _Progress:
    """A one-line progress bar, drawn only when the stream is a terminal."""

    def __init__(self, total: int, stream: IO[str], enabled: bool | None) -> None:
        self.total = total
        self.stream = stream
        isatty = getattr(stream, "isatty", None)
        self.enabled = enabled if enabled is not None else bool(isatty and isatty())
        self.done = 0
        self.failed = 0

    def advance(self, passed: bool) -> None:
        self.done += 1
        self.failed += not passed
        if not self.enabled:
            return
        width = 30
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r[{bar}] {self.done}/{self.total} failed {self.failed}")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


class EvalRunner:
    """Runs :class:`EvalCase` s against an agent, concurrently, into an :class:`EvalReport`.

    Each case gets the built-in checks its fields ask for (expected tools,
    output must / must not contain, iteration and time limits) and then every
    check in ``checks`` (:class:`~locus.evaluation.Scorer`,
    :class:`~locus.evaluation.LLMJudge`, or any :class:`EvalCheck`).

    Results come back in case order whatever the completion order, so on an
    offline model a suite gives the same verdicts, outputs and scores on every
    run (``test_runner_is_deterministic_on_offline_models``). A stateful
    model (a ``ScriptedModel`` replays its script across calls) must not be
    shared by concurrent cases: pass ``agent`` as a factory
    (``lambda case: Agent(...)``) to build one agent per case.

    Args:
        agent: An :class:`~locus.agent.Agent` (anything with async
            ``invoke(prompt)``), or a function ``case -> agent``.
        checks: Extra checks applied to every case.
        concurrency: Cases run at once (default 4).
        progress: Draw a progress bar on ``stream``: ``None`` (default) only
            when it is a terminal.
        stream: Where the progress bar goes (default ``sys.stderr``).
    """

    def __init__(
        self,
        agent: Any,
        *,
        checks: Iterable[EvalCheck] = (),
        concurrency: int = 4,
        progress: bool | None = None,
        stream: IO[str] | None = None,
    ) -> None:
        if agent is None:
            raise ValidationError("EvalRunner needs an agent (or a function case -> agent)")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError(f"concurrency must be an int >= 1, got {concurrency!r}")
        self.checks = list(checks)
        for check in self.checks:
            if not (callable(check) and isinstance(getattr(check, "name", None), str)):
                raise ValidationError(
                    f"a check needs a name and an async __call__(run) (EvalCheck), got {check!r}; "
                    "wrap a function with Scorer(fn)"
                )
        self.agent = agent
        self.concurrency = concurrency
        self.progress = progress
        self.stream = stream

    def _agent_for(self, case: EvalCase) -> Any:
        if callable(getattr(self.agent, "invoke", None)):
            return self.agent
        if callable(self.agent):
            return self.agent(case)
        raise ValidationError(
            f"agent must have async invoke(prompt) or be a function case -> agent, "
            f"got {self.agent!r}"
        )

    async def run(
        self, cases: Sequence[EvalCase], *, tags: Iterable[str] | None = None
    ) -> EvalReport:
        """Run ``cases`` (those carrying any of ``tags``, when given) into a report.

        Raises:
            locus.core.errors.ValidationError: a case is not an EvalCase, or two
                cases share a name.
        """
        selected = _select(cases, tags)
        emit(
            "agent.eval.started",
            cases=len(selected),
            concurrency=self.concurrency,
            checks=[c.name for c in self.checks],
        )
        bar = _Progress(len(selected), self.stream or sys.stderr, self.progress)
        gate = asyncio.Semaphore(self.concurrency)
        started = time.perf_counter()

        async def one(case: EvalCase) -> EvalResult:
            async with gate:
                result = await self.run_case(case)
            bar.advance(result.passed)
            return result

        results = list(await asyncio.gather(*(one(c) for c in selected)))
        report = EvalReport.from_results(results, (time.perf_counter() - started) * 1000)
        emit(
            "agent.eval.completed",
            total=report.total_cases,
            passed=report.passed,
            failed=report.failed,
            avg_score=report.avg_score,
        )
        return report

    def run_sync(
        self, cases: Sequence[EvalCase], *, tags: Iterable[str] | None = None
    ) -> EvalReport:
        """Blocking :meth:`run`; works with or without a running event loop."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.run(cases, tags=tags))

    async def run_case(self, case: EvalCase) -> EvalResult:
        """Run one case and grade it."""
        run = await self._execute(case)
        verdicts = builtin_checks(run)
        for check in self.checks:
            verdicts.append(await _safe_check(check, run))
        if run.error is not None:
            score = 0.0
        elif verdicts:
            score = sum(v.score for v in verdicts) / len(verdicts)
        else:
            score = 1.0
        passed = run.error is None and all(v.passed for v in verdicts)
        emit(
            "agent.eval.case.completed",
            case=case.name,
            passed=passed,
            score=score,
            duration_ms=run.duration_ms,
            failed_checks=[v.name for v in verdicts if not v.passed],
            error=run.error,
        )
        return EvalResult(
            case_name=case.name,
            passed=passed,
            score=score,
            output=run.output,
            tools_called=run.tools_called,
            iterations=run.iterations,
            duration_ms=run.duration_ms,
            checks=verdicts,
            error=run.error,
            tags=list(case.tags),
        )

    async def _execute(self, case: EvalCase) -> EvalRun:
        run = EvalRun(case=case)
        started = time.perf_counter()
        limit = case.max_duration_ms / 1000 if case.max_duration_ms is not None else None
        try:
            agent = self._agent_for(case)
            async with asyncio.timeout(limit):
                result = await agent.invoke(case.prompt)
        except TimeoutError:
            run.error = f"timed out after {case.max_duration_ms:.0f} ms (max_duration_ms)"
        except ValidationError:
            raise
        except Exception as exc:  # a failing run is a failed case, not a crashed suite
            run.error = f"{type(exc).__name__}: {exc}"
        else:
            run.result = result
            run.output = str(getattr(result, "message", result) or "")
            run.tools_called = [t.name for t in getattr(result, "tool_executions", [])]
            run.iterations = int(getattr(result, "iterations", 0))
        run.duration_ms = (time.perf_counter() - started) * 1000
        return run


async def _safe_check(check: EvalCheck, run: EvalRun) -> CheckResult:
    try:
        verdict = await check(run)
    except Exception as exc:  # a broken check fails its case, with the reason
        return CheckResult(name=check.name, passed=False, score=0.0, detail=f"check raised {exc!r}")
    if not isinstance(verdict, CheckResult):
        return CheckResult(
            name=check.name,
            passed=False,
            score=0.0,
            detail=f"check returned {type(verdict).__name__}, not a CheckResult",
        )
    return verdict


def _select(cases: Sequence[EvalCase], tags: Iterable[str] | None) -> list[EvalCase]:
    seen: set[str] = set()
    for case in cases:
        if not isinstance(case, EvalCase):
            raise ValidationError(f"cases must be EvalCase objects, got {case!r}")
        if case.name in seen:
            raise ValidationError(f"two cases are named {case.name!r}; case names must be unique")
        seen.add(case.name)
    if tags is None:
        return list(cases)
    wanted = set(tags)
    return [c for c in cases if wanted & set(c.tags)]
