"""Evaluation: regression suites of prompts and what the agent's runs must show.

```python
from locus import Agent
from locus.evaluation import EvalCase, EvalRunner

agent = Agent("test")
report = EvalRunner(agent).run_sync([EvalCase(name="hello", prompt="Say hello")])
assert report.total_cases == 1
```

See docs/evaluation.md.
"""

from __future__ import annotations

from locus.evaluation._case import EvalCase
from locus.evaluation._checks import (
    CheckResult,
    EvalCheck,
    EvalRun,
    LLMJudge,
    Scorer,
    builtin_checks,
)
from locus.evaluation._loader import EvalCaseError, EvalSuite, load_cases, load_suite
from locus.evaluation._report import EvalComparison, EvalReport, EvalResult
from locus.evaluation._runner import EvalRunner

__all__ = [
    "CheckResult",
    "EvalCase",
    "EvalCaseError",
    "EvalCheck",
    "EvalComparison",
    "EvalReport",
    "EvalResult",
    "EvalRun",
    "EvalRunner",
    "EvalSuite",
    "LLMJudge",
    "Scorer",
    "builtin_checks",
    "load_cases",
    "load_suite",
]
