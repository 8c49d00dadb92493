"""The original locus's ``locus.observability.emit`` path.

``emit(event_type, **data)`` publishes under the current run (a no-op outside
``run_context()``). It publishes at once and returns an already-finished
awaitable, so both ``emit(...)`` and the original's ``await emit(...)`` work.
``emit_sync`` is the same call without the awaitable.

This module is also callable as ``locus.observability.emit(...)``: importing it
replaces that package attribute, so the module forwards calls to :func:`emit`.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from typing import Any

from locus.observability._context import emit as _emit

__all__ = ["emit", "emit_sync"]


class Published:
    """What :func:`emit` returns: the event is already published; awaiting it returns at once."""

    __slots__ = ()

    def __await__(self) -> Iterator[Any]:
        return iter(())


_PUBLISHED = Published()


def emit(event_type: str, data: dict[str, Any] | None = None, /, **fields: Any) -> Published:
    """Publish ``event_type`` with ``data``/``fields`` under the current run."""
    _emit(event_type, data, **fields)
    return _PUBLISHED


def emit_sync(event_type: str, data: dict[str, Any] | None = None, /, **fields: Any) -> None:
    """Publish ``event_type`` with ``data``/``fields`` under the current run."""
    _emit(event_type, data, **fields)


class _CallableModule(types.ModuleType):
    def __call__(
        self, event_type: str, data: dict[str, Any] | None = None, /, **fields: Any
    ) -> Published:
        return emit(event_type, data, **fields)


sys.modules[__name__].__class__ = _CallableModule
