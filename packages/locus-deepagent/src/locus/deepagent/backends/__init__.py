"""File backends of the filesystem tools: :class:`StateBackend` (in the
thread's state) and :class:`FilesystemBackend` (a directory on disk)."""

from __future__ import annotations

from locus.deepagent.backends.filesystem import FilesystemBackend
from locus.deepagent.backends.protocol import (
    BackendError,
    BackendProtocol,
    ErrorCode,
    FileInfo,
    Match,
)
from locus.deepagent.backends.state import StateBackend

__all__ = [
    "BackendError",
    "BackendProtocol",
    "ErrorCode",
    "FileInfo",
    "FilesystemBackend",
    "Match",
    "StateBackend",
]
