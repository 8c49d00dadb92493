"""``StateBackend``: files in memory, saved with the agent's thread."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar, Token

from locus.deepagent.backends._paths import compile_glob, compile_regex, normalize, relative_to
from locus.deepagent.backends.protocol import BackendError, FileInfo, Match

__all__ = ["StateBackend"]


class StateBackend:
    """A dict of path → text. Directories are implicit: a file ``/notes/a.md``
    makes ``/notes`` a directory.

    With :func:`~locus.deepagent.create_deepagent` each thread has its own
    files, kept in the thread's state (``state.metadata["locus_files"]``):
    they are checkpointed with the conversation, restored when the thread
    resumes, and concurrent runs of different threads do not see each
    other's files. The initial ``files`` seed every new thread.

    Args:
        files: Initial files (path → text).
    """

    def __init__(self, files: Mapping[str, str] | None = None) -> None:
        self._own: dict[str, str] = {}
        for path, text in (files or {}).items():
            self._own[normalize(path)] = str(text)
        self._bound: ContextVar[dict[str, str] | None] = ContextVar(
            f"locus_state_backend_{id(self)}", default=None
        )

    @property
    def _files(self) -> dict[str, str]:
        bound = self._bound.get()
        return self._own if bound is None else bound

    def bind(self, files: dict[str, str]) -> Token[dict[str, str] | None]:
        """Work on ``files`` (mutated in place) in the current context, e.g. one run.

        Returns the token for :meth:`unbind`.
        """
        return self._bound.set(files)

    def unbind(self, token: Token[dict[str, str] | None]) -> None:
        """Undo :meth:`bind`."""
        self._bound.reset(token)

    def __repr__(self) -> str:
        return f"StateBackend({len(self._files)} files)"

    @property
    def files(self) -> dict[str, str]:
        """A copy of every file (path → text)."""
        return dict(self._files)

    def load(self, files: Mapping[str, str]) -> None:
        """Replace every file with ``files``."""
        current = self._files
        current.clear()
        current.update({normalize(p): str(t) for p, t in files.items()})

    def _is_dir(self, path: str) -> bool:
        return path == "/" or any(relative_to(p, path) for p in self._files)

    def _file(self, path: str) -> tuple[str, str]:
        target = normalize(path)
        if target in self._files:
            return target, self._files[target]
        if self._is_dir(target):
            raise BackendError("is_directory", target)
        raise BackendError("not_found", target)

    async def read(self, path: str) -> str:
        """The file's text."""
        return self._file(path)[1]

    async def write(self, path: str, content: str) -> None:
        """Create or replace the file."""
        target = normalize(path)
        if target == "/" or self._is_dir(target):
            raise BackendError("is_directory", target)
        parent = target
        while (parent := parent.rsplit("/", 1)[0] or "/") != "/":
            if parent in self._files:
                raise BackendError("not_a_directory", parent)
        self._files[target] = str(content)

    async def edit(self, path: str, old: str, new: str, *, replace_all: bool = False) -> int:
        """Replace ``old`` by ``new`` (exactly once unless ``replace_all``)."""
        target, text = self._file(path)
        count = text.count(old) if old else 0
        if count == 0:
            raise BackendError("no_match", target)
        if count > 1 and not replace_all:
            raise BackendError("ambiguous_match", target)
        self._files[target] = text.replace(old, new) if replace_all else text.replace(old, new, 1)
        return count if replace_all else 1

    async def exists(self, path: str) -> bool:
        """Whether a file or (implicit) directory exists."""
        target = normalize(path)
        return target in self._files or self._is_dir(target)

    async def ls(self, path: str = "/") -> list[FileInfo]:
        """Files and directories directly under ``path``."""
        target = normalize(path)
        if target in self._files:
            raise BackendError("not_a_directory", target)
        entries: dict[str, FileInfo] = {}
        for file, text in self._files.items():
            rel = relative_to(file, target)
            if not rel:
                continue
            head, _, rest = rel.partition("/")
            child = (target.rstrip("/") + "/" + head) if target != "/" else "/" + head
            if rest:
                entries.setdefault(child, FileInfo(child, is_dir=True))
            else:
                entries[child] = FileInfo(child, size=len(text.encode()))
        if not entries and target != "/":
            raise BackendError("not_found", target)
        return [entries[k] for k in sorted(entries)]

    async def glob(self, pattern: str, path: str = "/") -> list[str]:
        """Files under ``path`` matching ``pattern`` (``**`` spans directories)."""
        base = normalize(path)
        regex = compile_glob(pattern)
        return sorted(f for f in self._files if (rel := relative_to(f, base)) and regex.match(rel))

    async def grep(self, pattern: str, path: str = "/", *, glob: str | None = None) -> list[Match]:
        """Lines matching ``pattern`` in files under ``path`` (filtered by ``glob``)."""
        regex = compile_regex(pattern)
        base = normalize(path)
        if base in self._files:
            files = [base]
        else:
            files = await self.glob(glob or "**", base)
        found = []
        for file in files:
            for number, line in enumerate(self._files[file].splitlines(), 1):
                if regex.search(line):
                    found.append(Match(file, number, line))
        return found
