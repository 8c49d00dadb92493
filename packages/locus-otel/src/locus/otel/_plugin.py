"""locus-otel's plugin: the ``locus otel`` command (what telemetry would export, and where)."""

from __future__ import annotations

import argparse

from locus.plugins import hookimpl
from locus.plugins._registry import CommandRegistrar


def _status(args: argparse.Namespace) -> int:
    from locus.otel._status import status_lines

    for line in status_lines():
        print(line)
    return 0


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus otel``: OpenTelemetry status (SDK version, exporter settings, enabled or not)."""
    register("otel", _status, help="show the OpenTelemetry settings locus-otel would use")
