"""The evaluation framework's core names, at their original import path."""

from __future__ import annotations

from locus.evaluation._case import EvalCase
from locus.evaluation._report import EvalReport, EvalResult
from locus.evaluation._runner import EvalRunner

__all__ = ["EvalCase", "EvalReport", "EvalResult", "EvalRunner"]
