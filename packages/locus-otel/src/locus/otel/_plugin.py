"""locus-otel's plugin: the ``locus otel`` command, and ``locus.hooks.builtin.telemetry``."""

from __future__ import annotations

import argparse

from locus.plugins import hookimpl
from locus.plugins._registry import CommandRegistrar, Registrar


def _status(args: argparse.Namespace) -> int:
    from locus.otel._status import status_lines

    for line in status_lines():
        print(line)
    return 0


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus otel``: OpenTelemetry status (SDK version, exporter settings, enabled or not)."""
    register("otel", _status, help="show the OpenTelemetry settings locus-otel would use")


@hookimpl
def locus_register_integrations(register: Registrar) -> None:
    """Serve ``locus.hooks.builtin.telemetry`` (the original's import path) from ``locus.otel``."""
    register("otel", "locus.otel")
