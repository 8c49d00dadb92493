"""The file-backend contract the filesystem tools run on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from locus.core.errors import LocusError

__all__ = ["BackendError", "BackendProtocol", "ErrorCode", "FileInfo", "Match"]

ErrorCode = Literal[
    "not_found",
    "is_directory",
    "not_a_directory",
    "path_escape",
    "invalid_path",
    "invalid_pattern",
    "no_match",
    "ambiguous_match",
]

_ADVICE: dict[str, str] = {
    "not_found": "no such file; list the directory with ls first",
    "is_directory": "is a directory; read a file inside it",
    "not_a_directory": "is a file, not a directory",
    "path_escape": "resolves outside the backend's root; use paths under '/'",
    "invalid_path": "is not a valid path: use '/'-separated names without '..' or NUL",
    "invalid_pattern": "is not a valid regular expression",
    "no_match": "the text to replace was not found; read the file and copy it exactly",
    "ambiguous_match": "the text to replace occurs more than once; include more context "
    "or set replace_all",
}


class BackendError(LocusError):
    """A file operation failed; ``code`` says why (stable, for the model and for logs).

    Args:
        code: One of :data:`ErrorCode`.
        path: The path (or pattern) concerned.
    """

    kind = "deepagent.backend"

    def __init__(self, code: ErrorCode, path: str = "") -> None:
        super().__init__(
            f"{path!r}: {_ADVICE.get(code, code)}" if path else _ADVICE.get(code, code)
        )
        self.code: ErrorCode = code
        self.path = path


@dataclass(frozen=True)
class FileInfo:
    """An entry of :meth:`BackendProtocol.ls`."""

    path: str
    is_dir: bool = False
    size: int | None = None
    modified_at: datetime | None = None


@dataclass(frozen=True)
class Match:
    """One line :meth:`BackendProtocol.grep` found (``line`` counts from 1)."""

    path: str
    line: int
    text: str


@runtime_checkable
class BackendProtocol(Protocol):
    """Files under a virtual root ``/``. Paths are ``/``-separated; a relative
    path is taken from ``/``; ``..`` is refused (``invalid_path``)."""

    async def read(self, path: str) -> str:
        """The file's text."""
        ...

    async def write(self, path: str, content: str) -> None:
        """Create or replace the file (parent directories are implicit)."""
        ...

    async def edit(self, path: str, old: str, new: str, *, replace_all: bool = False) -> int:
        """Replace ``old`` by ``new``; how many replacements."""
        ...

    async def exists(self, path: str) -> bool:
        """Whether a file or directory exists at ``path``."""
        ...

    async def ls(self, path: str = "/") -> list[FileInfo]:
        """Entries directly under the directory ``path``, sorted by path."""
        ...

    async def glob(self, pattern: str, path: str = "/") -> list[str]:
        """Sorted file paths under ``path`` whose path relative to it matches ``pattern``."""
        ...

    async def grep(self, pattern: str, path: str = "/", *, glob: str | None = None) -> list[Match]:
        """Lines matching the regular expression ``pattern`` in files under ``path``."""
        ...
