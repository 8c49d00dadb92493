"""``locus.hooks.builtin.telemetry``: the OpenTelemetry hooks, served by locus-otel.

``from locus.hooks.builtin.telemetry import TelemetryHook, create_telemetry_hook``
(and ``NoOpTelemetryHook``, ``TelemetrySubscriber``) resolve to
:mod:`locus.otel` once ``pip install locus-otel`` is done (registered through
the ``locus_register_integrations`` hook as ``otel``); without it the import
raises :class:`ImportError` naming ``locus-otel``. Core never imports
OpenTelemetry itself.
"""

from __future__ import annotations

from typing import Any

from locus.integrations._facade import public_names, resolve


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    value = resolve("otel", name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return public_names("otel")
