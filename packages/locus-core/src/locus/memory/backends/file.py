"""The original locus's ``locus.memory.backends.file`` path.

``FileCheckpointer(base_dir=".locus_checkpoints")`` is
:class:`locus.checkpoint.file.FileCheckpointer` with the original's argument
names: ``base_dir`` is the root directory. ``pretty`` has no effect (the
file layout is ours: a header line, then the payload); passing it warns with
:class:`~locus.core.warnings.LocusDeprecationWarning` (see ``docs/migrating.md``).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

from locus.checkpoint.file import FileCheckpointer as _FileCheckpointer
from locus.core.warnings import LocusDeprecationWarning

__all__ = ["FileCheckpointer"]


class FileCheckpointer(_FileCheckpointer):
    """One JSON file per checkpoint under ``base_dir``.

    Args:
        base_dir: Root directory (created on first save).
        pretty: No effect; passing it warns (``LocusDeprecationWarning``).
        **options: As :class:`locus.checkpoint.file.FileCheckpointer` (``fsync``, ``ttl``...).
    """

    def __init__(
        self,
        base_dir: str | os.PathLike[str] = ".locus_checkpoints",
        pretty: bool | None = None,
        **options: Any,
    ) -> None:
        if pretty is not None:
            warnings.warn(
                "FileCheckpointer(pretty=...) has no effect: a checkpoint file is a "
                "header line then the payload as stored; drop the argument",
                LocusDeprecationWarning,
                stacklevel=2,
            )
        super().__init__(base_dir, **options)
        self.pretty = pretty
