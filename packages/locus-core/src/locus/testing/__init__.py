"""Test helpers for locus and for third-party plugins.

``CheckpointerConformance`` is the pytest suite every checkpointer passes;
subclass it in a test module and implement ``make_checkpointer``::

    from locus.testing import CheckpointerConformance

    class TestMyCheckpointer(CheckpointerConformance):
        async def make_checkpointer(self, tmp_path):
            return MyCheckpointer(...)

``RecordedHTTP`` (with ``fixture_response`` and ``SleepRecorder``) plays
recorded responses to a provider SDK through ``httpx.MockTransport``; see
:mod:`locus.testing.http`.

``FaultProxy`` is a loopback TCP proxy that can pass, blackhole, reset, delay
and kill connections; ``NetworkFaultConformance`` runs a checkpointer through
it (blackhole, refused port, kill mid-run, recovery). See
:mod:`locus.testing.faults`.

``service_unavailable(reason)`` fails a test under CI and skips it elsewhere,
for tests that need a real server.

Names are exported lazily: the checkpoint suite needs pytest, the HTTP kit
needs httpx (both test-time dependencies only).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from locus.testing.checkpoint import CheckpointerConformance, sample_state
    from locus.testing.faults import FaultProxy, refused_port
    from locus.testing.http import RecordedHTTP, SleepRecorder, fixture_response
    from locus.testing.network import NetworkFaultConformance
    from locus.testing.services import service_unavailable
    from locus.testing.store import StoreConformance

_EXPORTS = {
    "CheckpointerConformance": "locus.testing.checkpoint",
    "sample_state": "locus.testing.checkpoint",
    "FaultProxy": "locus.testing.faults",
    "refused_port": "locus.testing.faults",
    "NetworkFaultConformance": "locus.testing.network",
    "RecordedHTTP": "locus.testing.http",
    "SleepRecorder": "locus.testing.http",
    "fixture_response": "locus.testing.http",
    "service_unavailable": "locus.testing.services",
    "StoreConformance": "locus.testing.store",
}

__all__ = [
    "CheckpointerConformance",
    "FaultProxy",
    "NetworkFaultConformance",
    "RecordedHTTP",
    "SleepRecorder",
    "StoreConformance",
    "fixture_response",
    "refused_port",
    "sample_state",
    "service_unavailable",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'locus.testing' has no attribute {name!r}")
