"""The original locus's ``locus.memory.delta``: delta checkpoints are the default here.

Every locus checkpointer already writes deltas (what changed since the
thread's last state) with periodic full snapshots, and reassembles them on
load (``docs/persistence.md``, "Delta checkpoints"). :class:`DeltaCheckpointer`
is therefore the in-memory checkpointer with the original's chain length:
``DeltaCheckpointer(max_chain_depth=5)`` is
``MemoryCheckpointer(snapshot_every=5)``. For deltas in a database, use that
database's checkpointer (``SQLiteCheckpointer``, ``PostgresCheckpointer``...):
the same delta chains, ``snapshot_every=`` to tune them.
"""

from __future__ import annotations

import warnings
from typing import Any

from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ValidationError
from locus.core.warnings import LocusDeprecationWarning

__all__ = ["DeltaCheckpointer"]


class DeltaCheckpointer(MemoryCheckpointer):
    """An in-memory checkpointer whose chains hold at most ``max_chain_depth`` deltas.

    Args:
        storage: Must be ``None``: the original's byte storages
            (``DeltaStorage``) have no counterpart; pick the checkpointer of
            the store you want instead (``docs/migrating.md``).
        max_chain_depth: Deltas between two full snapshots (``snapshot_every``).
        compression_level: No effect (records are stored as JSON); a value
            other than the default warns with ``LocusDeprecationWarning``.
        **options: As :class:`~locus.checkpoint.memory.MemoryCheckpointer` (``ttl``...).

    Raises:
        ValidationError: A ``storage`` was given, or ``max_chain_depth < 0``.
    """

    def __init__(
        self,
        storage: Any = None,
        max_chain_depth: int = 5,
        compression_level: int = 6,
        **options: Any,
    ) -> None:
        if storage is not None:
            raise ValidationError(
                "DeltaCheckpointer(storage=...) is not supported: every locus checkpointer "
                "writes delta chains itself; use the checkpointer of your store "
                "(SQLiteCheckpointer, PostgresCheckpointer...) with snapshot_every="
            )
        if compression_level != 6:
            warnings.warn(
                "DeltaCheckpointer(compression_level=...) has no effect: records are stored "
                "as JSON; drop the argument",
                LocusDeprecationWarning,
                stacklevel=2,
            )
        super().__init__(snapshot_every=max_chain_depth, **options)
        self.max_chain_depth = max_chain_depth
