"""Test helpers for locus and for third-party plugins.

``CheckpointerConformance`` is the pytest suite every checkpointer passes;
subclass it in a test module and implement ``make_checkpointer``::

    from locus.testing import CheckpointerConformance

    class TestMyCheckpointer(CheckpointerConformance):
        async def make_checkpointer(self, tmp_path):
            return MyCheckpointer(...)

Importing this package needs pytest (a test-time dependency only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from locus.testing.checkpoint import CheckpointerConformance, sample_state

__all__ = ["CheckpointerConformance", "sample_state"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from locus.testing import checkpoint

        value = getattr(checkpoint, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'locus.testing' has no attribute {name!r}")
