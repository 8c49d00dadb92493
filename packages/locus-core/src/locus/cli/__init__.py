"""The ``locus`` command line: subcommands come from the ``locus_register_commands`` hook."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with one subparser per registered command."""
    from locus.plugins import command_registry

    parser = argparse.ArgumentParser(
        prog="locus", description="locus: multi-agent LLM workflows for production."
    )
    parser.add_argument(
        "--version", action=_Version, help="print the versions of locus-core and loaded plugins"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands = command_registry()
    for name in sorted(commands):
        entry = commands[name]
        cmd = sub.add_parser(name, help=entry.description, description=entry.description)
        configure = entry.options.get("configure")
        if configure is not None:
            configure(cmd)
        cmd.set_defaults(_handler=entry.load())
    return parser


class _Version(argparse.Action):
    """``locus --version``: what ``locus version`` prints, then exit."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        kwargs.pop("nargs", None)
        super().__init__(option_strings, dest, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        from locus.cli._commands import version

        version(namespace)
        parser.exit()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``locus`` CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "_handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code = handler(args)
    except KeyboardInterrupt:
        return 130
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
