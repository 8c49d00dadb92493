"""``locus eval cases.yaml``: run a case file from the command line.

Registered through the ``locus_register_commands`` hook by locus-core's own
plugin. Exit codes: 0 every case passed (and, with ``--baseline``, nothing
regressed), 1 a case failed or regressed, 2 bad input (case file, agent spec).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from locus.core.errors import ConfigError, LocusError

__all__ = ["configure", "main", "resolve_agent"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus eval``."""
    parser.add_argument("cases", help="YAML case file (a list, or a mapping with cases:)")
    parser.add_argument(
        "--agent",
        default=None,
        help="module:attribute of the agent (or of a function case -> agent); "
        "default: the file's agent: key",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="cases run at once")
    parser.add_argument("--tags", default=None, help="comma-separated: run only these tags")
    parser.add_argument("--json", dest="json_path", default=None, help="write the report as JSON")
    parser.add_argument("--junit", default=None, help="write the report as JUnit XML")
    parser.add_argument(
        "--baseline", default=None, help="an earlier --json report: fail on regressions"
    )
    parser.add_argument("--no-progress", action="store_true", help="never draw a progress bar")


def resolve_agent(spec: str) -> Any:
    """Import ``module:attribute`` (the current directory is importable).

    Raises:
        locus.core.errors.ConfigError: the spec is malformed or does not import.
    """
    from locus.plugins._registry import resolve_target

    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigError(
            f"expected 'module:attribute' for the agent (e.g. 'app:agent'), got {spec!r}"
        )
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return resolve_target(spec)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"cannot load the agent {spec!r}: {exc}", cause=exc) from exc


def main(args: argparse.Namespace) -> int:
    """Run the suite, print the summary, write the reports; return the exit code."""
    from locus.evaluation._loader import load_suite
    from locus.evaluation._report import EvalReport
    from locus.evaluation._runner import EvalRunner

    try:
        suite = load_suite(args.cases)
        spec = args.agent or suite.agent
        if not spec:
            raise ConfigError(
                "no agent to evaluate: pass --agent module:attribute or set agent: in the case file"
            )
        agent = resolve_agent(spec)
        baseline = EvalReport.from_json(args.baseline) if args.baseline else None
        runner = EvalRunner(
            agent,
            concurrency=args.concurrency,
            progress=False if args.no_progress else None,
        )
        tags = [t.strip() for t in args.tags.split(",") if t.strip()] if args.tags else None
        report = runner.run_sync(suite.cases, tags=tags)
    except LocusError as exc:
        print(f"locus eval: {exc} [{exc.kind}]", file=sys.stderr)
        return 2
    print(report.summary())
    if args.json_path:
        report.to_json(args.json_path)
    if args.junit:
        report.to_junit_xml(args.junit)
    code = 0 if report.failed == 0 else 1
    if baseline is not None:
        comparison = report.compare(baseline)
        print(comparison.summary())
        if comparison.has_regressions:
            code = 1
    return code
