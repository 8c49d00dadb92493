"""``memory_files``: AGENTS.md-style instructions loaded into the system prompt."""

from __future__ import annotations

from pathlib import Path

from locus.core.errors import ValidationError

__all__ = ["load_agents_md"]


def load_agents_md(paths: list[str] | tuple[str, ...]) -> str:
    """The text of each file in ``paths``, in order, under a header naming it.

    Args:
        paths: Files such as ``["~/.agents/AGENTS.md", "./AGENTS.md"]``
            (``~`` expanded). Later files come later, so they read as refinements.

    Raises:
        locus.core.errors.ValidationError: a file is missing or unreadable.
    """
    if isinstance(paths, str):
        raise ValidationError("memory_files must be a list of paths, not one string")
    sections = []
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValidationError(
                f"memory file {str(raw)!r} cannot be read ({exc.strerror or exc}); "
                "fix the path or leave it out of memory_files"
            ) from exc
        sections.append(f"## Memory: {path.name} ({raw})\n\n{text.strip()}")
    return "\n\n".join(sections)
