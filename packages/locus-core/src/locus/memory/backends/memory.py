"""The original locus's ``locus.memory.backends.memory`` path: :class:`MemoryCheckpointer`."""

from __future__ import annotations

from locus.checkpoint.memory import MemoryCheckpointer

__all__ = ["MemoryCheckpointer"]
