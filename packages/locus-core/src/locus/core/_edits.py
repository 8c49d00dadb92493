"""Which history items were edited in place, and since when (for delta checkpoints).

A delta checkpoint compares the messages and tool executions of a state with
those of the last state it saved by identity, so an item edited in place
(``state.messages[3].content = "redacted"``) looks unchanged. :class:`Message`
and :class:`ToolExecution` report each field assignment here: the edit gets
the next number of a process-wide *epoch* and goes into a bounded log of
(epoch, weak reference to the item). A checkpointer notes the epoch when it
remembers a state and asks, at its next save or load, which items were
edited since. When nothing was edited (the agent loop never assigns fields of
these items) that is one integer comparison.

Only field assignment is seen: an edit inside a field's value (appending to
``message.tool_calls``, ``message.metadata["k"] = v``) is not; replace the
item instead (``state.messages[i] = m.model_copy(update=...)``).
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import deque
from collections.abc import Sequence

__all__ = ["EDIT_LOG_SIZE", "current_epoch", "edited_since", "note_edit", "unedited_prefix"]

EDIT_LOG_SIZE = 256
"""Edits remembered; a checkpointer whose base is older than the log assumes anything changed."""

_numbers = itertools.count(1)
_log: deque[tuple[int, weakref.ref[object]]] = deque(maxlen=EDIT_LOG_SIZE)
_last = 0  # the newest logged epoch; only ever grows
_lock = threading.Lock()  # edits are rare (the agent loop makes none): a lock costs nothing


def note_edit(item: object) -> None:
    """Record that a field of ``item`` was just assigned."""
    global _last
    ref = weakref.ref(item)
    with _lock:  # two threads editing at once must not move _last back past a logged edit
        epoch = next(_numbers)
        _log.append((epoch, ref))
        _last = epoch


def current_epoch() -> int:
    """The number of the latest edit (0 before any): take it *before* reading the items."""
    return _last


def edited_since(epoch: int) -> list[object] | None:
    """The items (still alive) edited after ``epoch``.

    Returns:
        The items, or ``None`` when the log no longer reaches back to
        ``epoch``: the caller must assume any item changed.
    """
    if epoch >= _last:
        return []
    try:
        entries = list(_log)
    except RuntimeError:  # appended to while copied (free-threaded build): assume the worst
        return None
    if len(entries) == EDIT_LOG_SIZE and min(e for e, _ in entries) > epoch + 1:
        return None  # edits after ``epoch`` were dropped from the log
    return [item for e, ref in entries if e > epoch and (item := ref()) is not None]


def unedited_prefix(epoch: int, *lists: Sequence[object]) -> tuple[int, ...] | None:
    """For each list, how many of its first items were not edited after ``epoch``.

    Items are matched by identity. ``None`` when that cannot be known (see
    :func:`edited_since`). With no edit since ``epoch``: each list's length,
    without looking at the items.
    """
    if epoch >= _last:
        return tuple(len(items) for items in lists)
    edited = edited_since(epoch)
    if edited is None:
        return None
    ids = {id(item) for item in edited}
    return tuple(
        len(items) if ids.isdisjoint(map(id, items)) else _first(items, ids) for items in lists
    )


def _first(items: Sequence[object], ids: set[int]) -> int:
    return next(i for i, item in enumerate(items) if id(item) in ids)
