"""The original locus's ``locus.memory.backends.adapters`` path.

In the original, key-value storage backends were wrapped into checkpointers
by ``StorageBackendAdapter``. Here every backend is a checkpointer already,
so the adapter returns the backend unchanged and ``sqlite_checkpointer`` builds
the SQLite checkpointer directly.
"""

from __future__ import annotations

from typing import Any

from locus.checkpoint.sqlite import SQLiteCheckpointer

__all__ = ["StorageBackendAdapter", "sqlite_checkpointer"]


def StorageBackendAdapter(backend: Any) -> Any:
    """``backend`` itself: every backend here is a checkpointer (``docs/migrating.md``).

    Raises:
        locus.core.errors.ValidationError: ``backend`` is not a checkpointer.
    """
    from locus.core.errors import ValidationError

    if not callable(getattr(backend, "save", None)) or not callable(getattr(backend, "load", None)):
        raise ValidationError(
            f"StorageBackendAdapter needs a checkpointer (save/load), got {backend!r}; "
            "see locus.checkpoint for the backends"
        )
    return backend


def sqlite_checkpointer(path: str = "locus_checkpoints.db", **kwargs: Any) -> SQLiteCheckpointer:
    """A :class:`~locus.checkpoint.sqlite.SQLiteCheckpointer` on ``path``."""
    return SQLiteCheckpointer(path, **kwargs)
