"""The plugin: ``locus otel`` reports what telemetry would use; ``locus plugins`` lists it."""

from __future__ import annotations

import pytest

from locus.cli import main
from locus.plugins import get_plugin_manager


def test_locus_otel_command_reports_settings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert main(["otel"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("opentelemetry-sdk 1.")
    assert "telemetry: disabled (OTEL_SDK_DISABLED=true)" in out
    assert "OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4318" in out


def test_the_plugin_is_registered_under_its_distribution_name() -> None:
    assert get_plugin_manager().has_plugin("locus-otel")


def test_the_original_import_path_serves_the_otel_hooks() -> None:
    import locus.otel
    from locus.hooks.builtin.telemetry import (
        NoOpTelemetryHook,
        TelemetryHook,
        TelemetrySubscriber,
        create_telemetry_hook,
    )

    assert TelemetryHook is locus.otel.TelemetryHook
    assert NoOpTelemetryHook is locus.otel.NoOpTelemetryHook
    assert create_telemetry_hook is locus.otel.create_telemetry_hook
    assert TelemetrySubscriber is locus.otel.TelemetrySubscriber
