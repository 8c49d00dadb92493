"""``FilesystemBackend``: files in a directory on disk that no path can escape."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from locus.deepagent.backends._paths import compile_glob, compile_regex, normalize, relative_to
from locus.deepagent.backends.protocol import BackendError, FileInfo, Match

__all__ = ["FilesystemBackend"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class FilesystemBackend:
    """Files under ``root`` on disk; the agent sees ``root`` as ``/``.

    Containment: every path is normalised first (``..`` and NUL are refused,
    an absolute path such as ``/etc/passwd`` means ``root/etc/passwd``), then
    resolved with symlinks followed and refused (``path_escape``) unless the
    result is still under ``root``. Listings, ``glob`` and ``grep`` skip
    symlinks that point outside. The final open uses ``O_NOFOLLOW``, so a
    symlink planted after the check is not followed either.

    Args:
        root: The directory (created if missing).
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        path = Path(root)
        path.mkdir(parents=True, exist_ok=True)
        self.root = path.resolve(strict=True)

    def __repr__(self) -> str:
        return f"FilesystemBackend({str(self.root)!r})"

    def _resolve(self, path: str) -> tuple[str, Path]:
        virtual = normalize(path)
        real = (self.root / virtual[1:]).resolve()
        if real != self.root and not real.is_relative_to(self.root):
            raise BackendError("path_escape", virtual)
        return virtual, real

    def _inside(self, candidate: Path) -> bool:
        real = candidate.resolve()
        return real == self.root or real.is_relative_to(self.root)

    def _virtual(self, real: Path) -> str:
        rel = real.relative_to(self.root).as_posix()
        return "/" if rel == "." else "/" + rel

    def _file(self, path: str) -> tuple[str, Path]:
        virtual, real = self._resolve(path)
        if real.is_dir():
            raise BackendError("is_directory", virtual)
        if not real.is_file():
            raise BackendError("not_found", virtual)
        return virtual, real

    def _read_text(self, real: Path) -> str:
        fd = os.open(real, os.O_RDONLY | _NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            return fh.read().decode("utf-8", errors="replace")

    def _write_text(self, virtual: str, real: Path, content: str) -> None:
        if real == self.root or real.is_dir():
            raise BackendError("is_directory", virtual)
        for parent in reversed(real.relative_to(self.root).parents):
            if (self.root / parent).is_file():
                raise BackendError("not_a_directory", "/" + parent.as_posix())
        real.parent.mkdir(parents=True, exist_ok=True)
        if not self._inside(real.parent):  # a directory swapped for a symlink meanwhile
            raise BackendError("path_escape", virtual)
        try:
            fd = os.open(real, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o644)
        except OSError as exc:
            raise BackendError("path_escape", virtual) from exc
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode())

    async def read(self, path: str) -> str:
        """The file's text (invalid UTF-8 replaced)."""
        return self._read_text(self._file(path)[1])

    async def write(self, path: str, content: str) -> None:
        """Create or replace the file, creating parent directories."""
        virtual, real = self._resolve(path)
        self._write_text(virtual, real, str(content))

    async def edit(self, path: str, old: str, new: str, *, replace_all: bool = False) -> int:
        """Replace ``old`` by ``new`` (exactly once unless ``replace_all``)."""
        virtual, real = self._file(path)
        text = self._read_text(real)
        count = text.count(old) if old else 0
        if count == 0:
            raise BackendError("no_match", virtual)
        if count > 1 and not replace_all:
            raise BackendError("ambiguous_match", virtual)
        updated = text.replace(old, new) if replace_all else text.replace(old, new, 1)
        self._write_text(virtual, real, updated)
        return count if replace_all else 1

    async def exists(self, path: str) -> bool:
        """Whether a file or directory exists (``False`` for paths that escape)."""
        try:
            return self._resolve(path)[1].exists()
        except BackendError:
            return False

    async def ls(self, path: str = "/") -> list[FileInfo]:
        """Entries directly under ``path`` (symlinks leading outside are hidden)."""
        virtual, real = self._resolve(path)
        if real.is_file():
            raise BackendError("not_a_directory", virtual)
        if not real.is_dir():
            raise BackendError("not_found", virtual)
        entries = []
        for child in sorted(real.iterdir()):
            if not self._inside(child):
                continue
            stat = child.stat()
            entries.append(
                FileInfo(
                    path=(virtual.rstrip("/") + "/" + child.name),
                    is_dir=child.is_dir(),
                    size=None if child.is_dir() else stat.st_size,
                    modified_at=datetime.fromtimestamp(stat.st_mtime, UTC),
                )
            )
        return entries

    def _walk(self, base_virtual: str, base: Path) -> list[str]:
        if base.is_file():
            return [base_virtual]
        found = []
        for folder, dirs, names in os.walk(base, followlinks=False):
            dirs.sort()
            for name in sorted(names):
                candidate = Path(folder) / name
                if candidate.is_file() and self._inside(candidate):
                    found.append(self._virtual(Path(folder).resolve() / name))
        return found

    async def glob(self, pattern: str, path: str = "/") -> list[str]:
        """Files under ``path`` matching ``pattern`` (``**`` spans directories)."""
        virtual, real = self._resolve(path)
        regex = compile_glob(pattern)
        return sorted(
            f
            for f in self._walk(virtual, real)
            if (rel := relative_to(f, virtual)) and regex.match(rel)
        )

    async def grep(self, pattern: str, path: str = "/", *, glob: str | None = None) -> list[Match]:
        """Lines matching ``pattern`` in files under ``path`` (filtered by ``glob``)."""
        regex = compile_regex(pattern)
        virtual, real = self._resolve(path)
        files = [virtual] if real.is_file() else await self.glob(glob or "**", virtual)
        found = []
        for file in files:
            text = self._read_text(self._resolve(file)[1])
            for number, line in enumerate(text.splitlines(), 1):
                if regex.search(line):
                    found.append(Match(file, number, line))
        return found
