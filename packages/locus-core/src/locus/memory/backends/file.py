"""The original locus's ``locus.memory.backends.file`` path.

``FileCheckpointer(base_dir=".locus_checkpoints", pretty=True)`` is
:class:`locus.checkpoint.file.FileCheckpointer` with the original's argument
names and defaults: ``base_dir`` is the root directory, and ``pretty``
(default ``True``, as in the original) writes each checkpoint's envelope as
indented JSON. The file layout is this locus's (a header line, then the
envelope; see ``docs/checkpointers/file.md``).
"""

from __future__ import annotations

import os
from typing import Any

from locus.checkpoint.file import FileCheckpointer as _FileCheckpointer

__all__ = ["FileCheckpointer"]


class FileCheckpointer(_FileCheckpointer):
    """One JSON file per checkpoint under ``base_dir``.

    ``pretty`` defaults to ``True`` here, as in the original: only programs
    written for the original import this path, and they were written against
    files a person can open and read. This locus's own
    :class:`locus.checkpoint.file.FileCheckpointer` defaults to ``False``
    (compact files are smaller and faster to write), so code written for this
    locus sees no change. Files of either kind load with either setting, and a
    loaded checkpoint equals the saved one byte for byte.

    Args:
        base_dir: Root directory (created on first save).
        pretty: Write the envelope as indented JSON (``False``: compact).
        **options: As :class:`locus.checkpoint.file.FileCheckpointer` (``fsync``, ``ttl``...).
    """

    def __init__(
        self,
        base_dir: str | os.PathLike[str] = ".locus_checkpoints",
        pretty: bool = True,
        **options: Any,
    ) -> None:
        super().__init__(base_dir, pretty=pretty, **options)
