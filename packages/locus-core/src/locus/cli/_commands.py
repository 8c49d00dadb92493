"""Core CLI commands: ``plugins``, ``version``, ``demo``."""

from __future__ import annotations

import argparse
import json
import platform
import sys


def configure_plugins(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus plugins``."""
    parser.add_argument("--json", action="store_true", help="print JSON")


def plugins(args: argparse.Namespace) -> int:
    """List installed plugins with version, status, hooks and what each registered."""
    from locus.plugins import plugin_report

    report = plugin_report()
    if args.json:
        print(json.dumps([info.to_dict() for info in report], indent=2))
        return 0
    for info in report:
        version = info.version or "?"
        print(f"{info.name} {version} [{info.status}]")
        if info.error:
            print(f"  error: {info.error}")
        if info.hooks:
            print(f"  hooks: {', '.join(info.hooks)}")
        for kind, names in sorted(info.provides.items()):
            print(f"  {kind}: {', '.join(sorted(names))}")
    return 0


def version(args: argparse.Namespace) -> int:
    """Print the locus-core version and every loaded plugin's version."""
    import locus
    from locus.plugins import plugin_report

    print(f"locus-core {locus.__version__} (Python {platform.python_version()})")
    for info in plugin_report():
        if info.name != "locus-core" and info.status == "loaded":
            print(f"{info.name} {info.version or '?'}")
    return 0


def configure_demo(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus demo``."""
    parser.add_argument(
        "--model",
        default="test",
        help="model string; default: the offline scripted on-call model",
    )
    parser.add_argument("--dir", default=None, help="directory for the SQLite thread store")
    parser.add_argument("--thread-id", default="oncall-demo", help="thread id to save and resume")
    parser.add_argument("--quiet", action="store_true", help="print only the summary")


def demo(args: argparse.Namespace) -> int:
    """Run the offline on-call demo (see :mod:`locus.cli.demo`)."""
    try:
        from locus.cli.demo import run_demo
    except ImportError as exc:  # pragma: no cover - only while the demo is being built
        print(f"locus demo is not available: {exc}", file=sys.stderr)
        return 1
    return int(run_demo(args))
