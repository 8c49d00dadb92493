"""What the compiler needs from a skills index (the skills system itself lives elsewhere).

Any object with ``for_domain(domain)`` returning skills that have a ``name``
and a ``description`` satisfies :class:`SkillIndex`; the compiler lists the
frame's domain skills in the system prompt of the agents it builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["SkillIndex", "SkillLike"]


@runtime_checkable
class SkillLike(Protocol):
    """A skill as the compiler shows it to a model."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...


@runtime_checkable
class SkillIndex(Protocol):
    """A source of skills by domain."""

    def for_domain(self, domain: str) -> Sequence[SkillLike]:
        """Skills that apply to ``domain`` (empty when none)."""
        ...


def skills_prompt(skills: SkillIndex | None, domain: str) -> str:
    """A system-prompt paragraph naming the domain's skills ('' when there are none)."""
    if skills is None:
        return ""
    found = list(skills.for_domain(domain))
    if not found:
        return ""
    lines = "\n".join(f"- {s.name}: {s.description}" for s in found)
    return f"\n\nSkills available for {domain}:\n{lines}"
