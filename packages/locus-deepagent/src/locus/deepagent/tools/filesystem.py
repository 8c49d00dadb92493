"""The six filesystem-as-memory tools: ``ls``, ``read_file``, ``write_file``,
``edit_file``, ``glob``, ``grep``."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.deepagent.backends.protocol import BackendProtocol
from locus.tools import Tool

__all__ = ["FILESYSTEM_TOOL_NAMES", "make_filesystem_tools"]

FILESYSTEM_TOOL_NAMES = ("ls", "read_file", "write_file", "edit_file", "glob", "grep")
MAX_MATCHES = 200


def make_filesystem_tools(backend: BackendProtocol) -> list[Any]:
    """Build the six filesystem-as-memory tools bound to ``backend``.

    A failed operation (missing file, a path escaping the root, an ambiguous
    edit) comes back to the model as a tool error naming the problem.

    Returns:
        ``[ls, read_file, write_file, edit_file, glob, grep]`` as locus tools.
    """
    if not isinstance(backend, BackendProtocol):
        raise ValidationError(
            f"backend must implement BackendProtocol (StateBackend(), FilesystemBackend(root)), "
            f"got {backend!r}"
        )

    async def ls(path: str = "/") -> str:
        """List a directory of your workspace.

        Args:
            path: Directory to list, '/' is the workspace root.
        """
        entries = await backend.ls(path)
        if not entries:
            return "(empty)"
        return "\n".join(e.path + ("/" if e.is_dir else f"  ({e.size} bytes)") for e in entries)

    async def read_file(path: str, offset: int = 0, limit: int = 2000) -> str:
        """Read a file of your workspace, with line numbers.

        Args:
            path: File path, e.g. '/notes/findings.md'.
            offset: First line to show (0-based).
            limit: Maximum number of lines.
        """
        lines = (await backend.read(path)).splitlines()
        shown = lines[max(offset, 0) : max(offset, 0) + max(limit, 1)]
        if not shown:
            return "(empty file)" if not lines else f"(the file has {len(lines)} lines)"
        return "\n".join(f"{n:6d}\t{text}" for n, text in enumerate(shown, max(offset, 0) + 1))

    async def write_file(path: str, content: str) -> str:
        """Create or overwrite a file in your workspace (notes, drafts, findings).

        Args:
            path: File path, e.g. '/notes/findings.md'.
            content: The full new content.
        """
        await backend.write(path, content)
        return f"Wrote {len(content)} characters to {path}."

    async def edit_file(
        path: str, old_string: str, new_string: str, replace_all: bool = False
    ) -> str:
        """Replace exact text in a file of your workspace.

        Args:
            path: File path.
            old_string: Text to replace, copied exactly (must occur once unless replace_all).
            new_string: Replacement text.
            replace_all: Replace every occurrence.
        """
        count = await backend.edit(path, old_string, new_string, replace_all=replace_all)
        return f"Replaced {count} occurrence(s) in {path}."

    async def glob(pattern: str, path: str = "/") -> str:
        """Find files by name pattern ('*.md', '**/*.py').

        Args:
            pattern: Glob pattern relative to path; '**' spans directories.
            path: Directory to search under.
        """
        found = await backend.glob(pattern, path)
        return "\n".join(found) if found else "(no files match)"

    async def grep(pattern: str, path: str = "/", glob: str | None = None) -> str:
        """Search file contents with a regular expression.

        Args:
            pattern: Regular expression.
            path: File or directory to search.
            glob: Only files matching this glob (e.g. '*.md').
        """
        matches = await backend.grep(pattern, path, glob=glob)
        if not matches:
            return "(no matches)"
        lines = [f"{m.path}:{m.line}: {m.text}" for m in matches[:MAX_MATCHES]]
        if len(matches) > MAX_MATCHES:
            lines.append(f"... {len(matches) - MAX_MATCHES} more matches; narrow the search")
        return "\n".join(lines)

    return [Tool(fn) for fn in (ls, read_file, write_file, edit_file, glob, grep)]
