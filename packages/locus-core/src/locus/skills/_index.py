"""A set of skills by name: :class:`SkillIndex` (directories, package resources, plugins)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from locus.core.errors import ValidationError
from locus.skills._models import SKILL_FILE, Skill, SkillError

__all__ = ["SkillIndex"]


def _is_candidate(folder: Path) -> bool:
    return folder.is_dir() and not folder.name.startswith((".", "_"))


class SkillIndex:
    """Skills by name; what :class:`~locus.skills.SkillsPlugin` shows and the router queries.

    Satisfies ``locus.router.SkillIndex``: :meth:`for_domain` returns the
    skills whose ``metadata.domain(s)`` names the domain, plus the skills
    that name no domain (general skills).

    Args:
        skills: Skills to start with.

    Raises:
        SkillError: two skills share a name.
    """

    def __init__(self, skills: Iterable[Skill] = ()) -> None:
        self._skills: dict[str, Skill] = {}
        for skill in skills:
            self.add(skill)

    # -- sources ------------------------------------------------------------------

    @classmethod
    def from_directory(cls, root: str | Path) -> SkillIndex:
        """Every skill folder directly under ``root`` (or ``root`` itself if it holds SKILL.md).

        Folders whose names start with ``.`` or ``_`` are ignored.

        Raises:
            SkillError: ``root`` is not a directory, or a folder under it has
                no ``SKILL.md`` or a malformed one.
        """
        root = Path(root)
        if not root.is_dir():
            raise SkillError("not a skills directory (no such directory)", path=root)
        if (root / SKILL_FILE).is_file():
            return cls([Skill.from_directory(root)])
        return cls(Skill.from_directory(d) for d in sorted(root.iterdir()) if _is_candidate(d))

    @classmethod
    def from_package(cls, package: str, subdir: str = "skills") -> SkillIndex:
        """The skills shipped in a Python package's resources (``<package>/<subdir>/*/SKILL.md``).

        Raises:
            SkillError: the package cannot be imported or has no such folder.
        """
        from importlib import resources

        try:
            base = resources.files(package).joinpath(subdir)
        except ModuleNotFoundError as exc:
            raise SkillError(f"no package {package!r} to load skills from", cause=exc) from exc
        if not base.is_dir():
            raise SkillError(f"package {package!r} has no {subdir!r} folder of skills")
        with resources.as_file(base) as folder:
            return cls.from_directory(folder)

    @classmethod
    def from_plugins(cls) -> SkillIndex:
        """The skills plugins contribute through the ``locus_register_skills`` hook."""
        from locus.plugins import skill_registry

        registry = skill_registry()
        index = cls()
        for name in registry.names():
            index.merge(_as_skills(registry.get(name).load(), name))
        return index

    @classmethod
    def from_sources(cls, sources: Iterable[Skill | str | Path]) -> SkillIndex:
        """Skills, skill folders and folders of skills, in order."""
        index = cls()
        for source in sources:
            index.merge(_as_skills(source, str(source)))
        return index

    # -- the set -----------------------------------------------------------------------

    def add(self, skill: Skill) -> None:
        """Add one skill.

        Raises:
            SkillError: a skill of that name is already in the index.
        """
        if not isinstance(skill, Skill):
            raise ValidationError(f"SkillIndex holds Skill objects, got {skill!r}")
        if skill.name in self._skills:
            first = self._skills[skill.name]
            raise SkillError(
                f"two skills are named {skill.name!r} ({first.path} and {skill.path}); "
                "skill names must be unique",
                path=skill.path,
                field="name",
            )
        self._skills[skill.name] = skill

    def merge(self, skills: Iterable[Skill]) -> None:
        """Add several skills."""
        for skill in skills:
            self.add(skill)

    def get(self, name: str) -> Skill:
        """The skill named ``name``.

        Raises:
            SkillError: no such skill (the message lists the names).
        """
        try:
            return self._skills[name]
        except KeyError:
            raise SkillError(
                f"no skill named {name!r}; skills: {sorted(self._skills)}", field="name"
            ) from None

    @property
    def names(self) -> list[str]:
        """Skill names, sorted."""
        return sorted(self._skills)

    def __contains__(self, name: object) -> bool:
        return name in self._skills

    def __iter__(self) -> Iterator[Skill]:
        return iter(self._skills[n] for n in self.names)

    def __len__(self) -> int:
        return len(self._skills)

    def for_domain(self, domain: str) -> Sequence[Skill]:
        """Skills for ``domain``: those naming it, then general ones (no domain), by name."""
        wanted = domain.strip().lower()
        named = [s for s in self if wanted in (d.lower() for d in s.domains)]
        general = [s for s in self if not s.domains]
        return named + general

    def catalogue(self) -> str:
        """One ``- name: description`` line per skill (what the model sees before activating)."""
        return "\n".join(f"- {s.name}: {s.description}" for s in self)


def _as_skills(source: Any, label: str) -> list[Skill]:
    if isinstance(source, Skill):
        return [source]
    if isinstance(source, SkillIndex):
        return list(source)
    if isinstance(source, str | Path):
        path = Path(source)
        if (path / SKILL_FILE).is_file() or path.name == SKILL_FILE:
            return [Skill.from_directory(path) if path.is_dir() else Skill.from_file(path)]
        return list(SkillIndex.from_directory(path))
    raise ValidationError(
        f"skill source {label!r} is {type(source).__name__}; give a Skill, a skill folder "
        "or a folder of skills"
    )
