"""Virtual paths shared by the backends: normalisation and glob patterns."""

from __future__ import annotations

import re
from functools import lru_cache

from locus.deepagent.backends.protocol import BackendError

__all__ = ["compile_glob", "compile_regex", "normalize", "relative_to"]


def normalize(path: str) -> str:
    """``path`` as an absolute virtual path (``/a/b``).

    Raises:
        BackendError: ``invalid_path`` for ``..``, NUL, or a non-string.
    """
    if not isinstance(path, str):
        raise BackendError("invalid_path", repr(path))
    if "\x00" in path:
        raise BackendError("invalid_path", path.replace("\x00", "\\0"))
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise BackendError("invalid_path", path)
    return "/" + "/".join(parts)


def relative_to(path: str, directory: str) -> str | None:
    """``path`` relative to ``directory`` (both normalised), or ``None`` if outside it."""
    if directory == "/":
        return path[1:]
    if path.startswith(directory + "/"):
        return path[len(directory) + 1 :]
    return None


@lru_cache(maxsize=256)
def compile_glob(pattern: str) -> re.Pattern[str]:
    """A glob (``*``, ``?``, ``**``, ``[abc]``) as a regex over relative paths.

    ``*`` and ``?`` stay within one path segment; ``**/`` spans any number of
    directories (including none).
    """
    out = []
    i = 0
    pattern = pattern.lstrip("/")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(pattern[i]))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def compile_regex(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled, or :class:`BackendError` ``invalid_pattern``."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise BackendError("invalid_pattern", f"{pattern} ({exc})") from exc
