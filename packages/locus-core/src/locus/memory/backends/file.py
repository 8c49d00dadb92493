"""The original locus's ``locus.memory.backends.file`` path.

``FileCheckpointer(base_dir=".locus_checkpoints")`` is
:class:`locus.checkpoint.file.FileCheckpointer` with the original's argument
names: ``base_dir`` is the root directory. ``pretty`` is accepted for
compatibility; the file layout is ours (see ``docs/migrating.md``).
"""

from __future__ import annotations

import os
from typing import Any

from locus.checkpoint.file import FileCheckpointer as _FileCheckpointer

__all__ = ["FileCheckpointer"]


class FileCheckpointer(_FileCheckpointer):
    """One JSON file per checkpoint under ``base_dir``.

    Args:
        base_dir: Root directory (created on first save).
        pretty: Accepted for compatibility with the original; has no effect.
        **options: As :class:`locus.checkpoint.file.FileCheckpointer` (``fsync``, ``ttl``...).
    """

    def __init__(
        self,
        base_dir: str | os.PathLike[str] = ".locus_checkpoints",
        pretty: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(base_dir, **options)
        self.pretty = pretty
