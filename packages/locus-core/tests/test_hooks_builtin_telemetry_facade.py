"""``locus.hooks.builtin.telemetry`` without locus-otel: the import names what to install."""

from __future__ import annotations

import importlib.util

import pytest


@pytest.mark.skipif(
    importlib.util.find_spec("locus.otel") is not None, reason="locus-otel is installed here"
)
def test_telemetry_hook_without_locus_otel_says_what_to_install() -> None:
    with pytest.raises(ImportError, match="locus-otel"):
        from locus.hooks.builtin.telemetry import TelemetryHook  # noqa: F401
