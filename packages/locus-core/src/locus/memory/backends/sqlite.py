"""The original locus's ``locus.memory.backends.sqlite`` path.

``SQLiteBackend(config=SQLiteConfig(path="threads.db"))`` is a
:class:`locus.checkpoint.sqlite.SQLiteCheckpointer` on that file: pass it as
``Agent(checkpointer=...)``. ``table_name`` maps to the checkpointer's table
prefix (``"locus_checkpoints"`` → ``"locus_"``).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.memory.backends._resolve import table_prefix

__all__ = ["SQLiteBackend", "SQLiteConfig"]


class SQLiteConfig(BaseModel):
    """Where an :class:`SQLiteBackend` keeps its checkpoints."""

    path: str = "locus_checkpoints.db"
    table_name: str = "locus_checkpoints"

    @property
    def table_prefix(self) -> str:
        """The checkpointer table prefix ``table_name`` stands for."""
        return table_prefix(self.table_name)


class SQLiteBackend(SQLiteCheckpointer):
    """A SQLite checkpointer configured the original locus's way.

    Args:
        config: Path and table name (default ``locus_checkpoints.db``).
        **options: As :class:`~locus.checkpoint.sqlite.SQLiteCheckpointer`.
    """

    def __init__(self, config: SQLiteConfig | None = None, **options: Any) -> None:
        self.config = config or SQLiteConfig()
        super().__init__(self.config.path, table_prefix=self.config.table_prefix, **options)
