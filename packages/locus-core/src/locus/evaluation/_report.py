"""Results of a suite: :class:`EvalResult`, :class:`EvalReport`, JSON, JUnit XML, comparison."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import ValidationError
from locus.evaluation._checks import CheckResult

__all__ = ["EvalComparison", "EvalReport", "EvalResult"]


class EvalResult(BaseModel):
    """How one case went.

    Attributes:
        case_name: The case's name.
        passed: Every check passed and the run did not fail.
        score: Mean score of the checks (0.0 when the run failed; 1.0 with no checks).
        output: The final answer text.
        tools_called: Tool names in call order.
        iterations: Loop iterations taken.
        duration_ms: Wall-clock time of the run.
        checks: Each check's verdict, built-in checks first.
        error: Why the run failed (exception text or time-out), else ``None``.
        tags: The case's tags.
    """

    model_config = ConfigDict(extra="ignore")

    case_name: str
    passed: bool
    score: float = Field(ge=0.0, le=1.0)
    output: str = ""
    tools_called: list[str] = Field(default_factory=list)
    iterations: int = 0
    duration_ms: float = 0.0
    checks: list[CheckResult] = Field(default_factory=list)
    error: str | None = None
    tags: list[str] = Field(default_factory=list)

    def failures(self) -> list[str]:
        """One line per failed check (and the run's error), for messages and logs."""
        lines = [f"error: {self.error}"] if self.error else []
        lines += [f"{c.name}: {c.detail}" for c in self.checks if not c.passed]
        return lines


class EvalComparison(BaseModel):
    """What changed between a baseline report and a new one (by case name).

    Attributes:
        regressions: Cases that passed in the baseline and fail now.
        fixes: Cases that failed in the baseline and pass now.
        score_drops: Cases whose score fell by more than the tolerance, with
            ``(baseline, current)``.
        added: Cases only in the new report.
        removed: Cases only in the baseline.
        avg_score_delta: New average score minus the baseline's.
    """

    regressions: list[str] = Field(default_factory=list)
    fixes: list[str] = Field(default_factory=list)
    score_drops: dict[str, tuple[float, float]] = Field(default_factory=dict)
    added: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    avg_score_delta: float = 0.0

    @property
    def has_regressions(self) -> bool:
        """A case now fails that passed, or a score dropped past the tolerance."""
        return bool(self.regressions or self.score_drops)

    def summary(self) -> str:
        """A few human-readable lines."""
        lines = [f"avg score delta: {self.avg_score_delta:+.3f}"]
        for label, names in (
            ("regressed", self.regressions),
            ("fixed", self.fixes),
            ("added", self.added),
            ("removed", self.removed),
        ):
            if names:
                lines.append(f"{label}: {', '.join(names)}")
        for name, (old, new) in self.score_drops.items():
            lines.append(f"score dropped: {name} {old:.2f} -> {new:.2f}")
        return "\n".join(lines)


class EvalReport(BaseModel):
    """The results of a suite, in case order.

    Attributes:
        results: One :class:`EvalResult` per case, in the order the cases were given.
        total_cases: Number of cases run.
        passed: Cases that passed.
        failed: Cases that failed.
        avg_score: Mean case score (0.0 for an empty suite).
        total_duration_ms: Wall-clock time of the whole suite.
    """

    results: list[EvalResult] = Field(default_factory=list)
    total_cases: int = 0
    passed: int = 0
    failed: int = 0
    avg_score: float = 0.0
    total_duration_ms: float = 0.0

    @classmethod
    def from_results(cls, results: list[EvalResult], total_duration_ms: float) -> EvalReport:
        """Build a report and its totals from results."""
        passed = sum(r.passed for r in results)
        avg = sum(r.score for r in results) / len(results) if results else 0.0
        return cls(
            results=results,
            total_cases=len(results),
            passed=passed,
            failed=len(results) - passed,
            avg_score=avg,
            total_duration_ms=total_duration_ms,
        )

    @property
    def pass_rate(self) -> float:
        """Passed cases over all cases (0.0 for an empty suite)."""
        return self.passed / self.total_cases if self.total_cases else 0.0

    def result(self, case_name: str) -> EvalResult:
        """The result of the case named ``case_name``.

        Raises:
            locus.core.errors.ValidationError: no case has that name.
        """
        for r in self.results:
            if r.case_name == case_name:
                return r
        raise ValidationError(
            f"no case named {case_name!r}; cases: {[r.case_name for r in self.results]}"
        )

    def summary(self) -> str:
        """Totals, then one line per failed case and per failed check."""
        lines = [
            f"{self.passed}/{self.total_cases} passed ({self.pass_rate:.0%}), "
            f"avg score {self.avg_score:.3f}, {self.total_duration_ms:.0f} ms"
        ]
        for r in self.results:
            if not r.passed:
                lines.append(f"FAIL {r.case_name} (score {r.score:.2f})")
                lines += [f"  {line}" for line in r.failures()]
        return "\n".join(lines)

    def to_json(self, path: str | Path | None = None) -> str:
        """The report as JSON; also written to ``path`` when given."""
        text = self.model_dump_json(indent=2)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, source: str | Path) -> EvalReport:
        """Read a report written by :meth:`to_json` (a path or the JSON text).

        Raises:
            locus.core.errors.ValidationError: the text is not a report.
        """
        text = source
        if isinstance(source, Path) or not str(source).lstrip().startswith("{"):
            text = Path(source).read_text(encoding="utf-8")
        try:
            return cls.model_validate_json(str(text))
        except PydanticValidationError as exc:
            raise ValidationError(
                f"not an EvalReport JSON ({exc.error_count()} errors: {exc.errors()[0]['msg']}); "
                "write one with EvalReport.to_json()",
                cause=exc,
            ) from exc

    def to_junit_xml(
        self, path: str | Path | None = None, *, suite_name: str = "locus-eval"
    ) -> str:
        """The report as JUnit XML (one ``testcase`` per case) for CI test views.

        A failed check becomes a ``failure`` with the failures listed; a run
        that raised or timed out becomes an ``error``.
        """
        suite = ET.Element(
            "testsuite",
            name=suite_name,
            tests=str(self.total_cases),
            failures=str(sum(1 for r in self.results if not r.passed and r.error is None)),
            errors=str(sum(1 for r in self.results if r.error is not None)),
            time=f"{self.total_duration_ms / 1000:.3f}",
        )
        for r in self.results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=suite_name,
                name=r.case_name,
                time=f"{r.duration_ms / 1000:.3f}",
            )
            if r.error is not None:
                node = ET.SubElement(case, "error", message=r.error[:200])
                node.text = "\n".join(r.failures())
            elif not r.passed:
                failed = [c.name for c in r.checks if not c.passed]
                node = ET.SubElement(case, "failure", message=f"failed checks: {failed}")
                node.text = "\n".join(r.failures())
            props = ET.SubElement(case, "properties")
            ET.SubElement(props, "property", name="score", value=f"{r.score:.3f}")
            out = ET.SubElement(case, "system-out")
            out.text = r.output
        xml: str = ET.tostring(suite, encoding="unicode", xml_declaration=True)
        if path is not None:
            Path(path).write_text(xml, encoding="utf-8")
        return xml

    def compare(self, baseline: EvalReport, *, score_tolerance: float = 0.05) -> EvalComparison:
        """What changed from ``baseline`` to this report.

        Args:
            baseline: The earlier report.
            score_tolerance: A score drop larger than this counts as a regression.
        """
        old = {r.case_name: r for r in baseline.results}
        new = {r.case_name: r for r in self.results}
        drops: dict[str, tuple[float, float]] = {}
        for name in old.keys() & new.keys():
            if old[name].score - new[name].score > score_tolerance:
                drops[name] = (old[name].score, new[name].score)
        return EvalComparison(
            regressions=[n for n in new if n in old and old[n].passed and not new[n].passed],
            fixes=[n for n in new if n in old and not old[n].passed and new[n].passed],
            score_drops=dict(sorted(drops.items())),
            added=[n for n in new if n not in old],
            removed=[n for n in old if n not in new],
            avg_score_delta=self.avg_score - baseline.avg_score,
        )
