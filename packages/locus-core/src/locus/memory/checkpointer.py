"""The original locus's ``locus.memory.checkpointer`` path: :class:`BaseCheckpointer`.

The checkpointer contract lives in :mod:`locus.checkpoint` (``docs/writing-a-checkpointer.md``).
"""

from __future__ import annotations

from locus.checkpoint import BaseCheckpointer

__all__ = ["BaseCheckpointer"]
