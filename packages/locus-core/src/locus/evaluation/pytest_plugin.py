"""A pytest plugin: evaluation cases as parametrized tests.

Loaded automatically with locus-core (entry point ``pytest11``). Mark a test
with the case file (or a list of :class:`~locus.evaluation.EvalCase`) and take
the ``eval_case`` and ``eval_check`` fixtures; each case becomes one test,
named after the case, that fails with the failed checks listed::

    import pytest
    from locus import Agent

    @pytest.mark.locus_eval("cases.yaml")
    def test_support_agent(eval_case, eval_check):
        eval_check(Agent("test"), eval_case)

``eval_check(agent, case, checks=())`` runs the case through an
:class:`~locus.evaluation.EvalRunner` and returns the
:class:`~locus.evaluation.EvalResult` when it passed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

__all__ = ["eval_check"]

MARKER = "locus_eval"


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``locus_eval`` marker."""
    config.addinivalue_line(
        "markers",
        f"{MARKER}(cases): run the test once per evaluation case "
        "(a YAML case file, relative to the test file, or a list of EvalCase); "
        "the case is the eval_case fixture",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``eval_case`` over the cases of the ``locus_eval`` marker."""
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None or "eval_case" not in metafunc.fixturenames:
        return
    from locus.evaluation import EvalCase, load_cases

    if not marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} needs the cases: a YAML path or a list")
    source = marker.args[0]
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_absolute():
            path = Path(metafunc.definition.fspath).parent / path
        cases = load_cases(path)
    else:
        cases = list(source)
        bad = [c for c in cases if not isinstance(c, EvalCase)]
        if bad:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} cases must be EvalCase, got {bad[0]!r}")
    metafunc.parametrize("eval_case", cases, ids=[c.name for c in cases])


@pytest.fixture
def eval_check() -> Callable[..., Any]:
    """``eval_check(agent, case, checks=())``: run one case; fail the test on a failed check."""
    from locus.evaluation import EvalRunner

    def check(agent: Any, case: Any, checks: Iterable[Any] = ()) -> Any:
        report = EvalRunner(agent, checks=checks, progress=False).run_sync([case])
        result = report.results[0]
        if not result.passed:
            pytest.fail(
                f"eval case {case.name!r} failed (score {result.score:.2f}):\n  "
                + "\n  ".join(result.failures()),
                pytrace=False,
            )
        return result

    return check
