"""One Agent Skill: a folder with a ``SKILL.md`` (YAML front matter + instructions)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from locus.core.errors import ValidationError

__all__ = ["SKILL_FILE", "Skill", "SkillError", "validate_skill_name"]

SKILL_FILE = "SKILL.md"
_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_KNOWN = {"name", "description", "license", "compatibility", "allowed-tools", "metadata"}


class SkillError(ValidationError):
    """A skill is malformed: no ``SKILL.md``, bad front matter, a missing field.

    Attributes:
        path: The skill folder or file.
        line: 1-based line in ``SKILL.md``, when known.
        field: The front-matter field at fault, when known.
    """

    kind = "skill"

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        field: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        where = str(path) if path else "<skill>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}", cause=cause)
        self.path = path
        self.line = line
        self.field = field


def validate_skill_name(name: str, strict: bool = False) -> bool:
    """Whether ``name`` is a valid skill name.

    Valid: 1 to 64 characters of lowercase letters, digits and single hyphens,
    not starting or ending with a hyphen (the Agent Skills layout). With
    ``strict=False`` any non-empty name without ``/`` or whitespace passes.
    """
    if not isinstance(name, str) or not name:
        return False
    if strict:
        return len(name) <= 64 and _NAME.fullmatch(name) is not None
    return not any(c.isspace() or c == "/" for c in name)


def _yaml() -> Any:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - the slim install
        raise ValidationError(
            "reading skills needs PyYAML: pip install 'locus-core[eval]'", cause=exc
        ) from exc
    return yaml


@dataclass
class Skill:
    """A skill: name and description (always shown), instructions (shown once activated).

    Attributes:
        name: Skill name (unique in an index).
        description: What it does and when to use it; the model chooses by it.
        instructions: The ``SKILL.md`` body, given to the model on activation.
        path: The skill folder (``None`` for a skill built in code).
        allowed_tools: Tools the skill may use (``allowed-tools``), if stated.
        metadata: The ``metadata`` mapping of the front matter; ``domain`` /
            ``domains`` there place the skill in router domains.
        license: Its license, if stated.
        compatibility: Its environment requirements, if stated.
    """

    name: str
    description: str
    instructions: str = ""
    path: Path | None = None
    allowed_tools: list[str] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    license: str | None = None
    compatibility: str | None = None

    def __post_init__(self) -> None:
        if not validate_skill_name(self.name):
            raise SkillError(
                f"invalid skill name {self.name!r}: use lowercase letters, digits and hyphens",
                path=self.path,
                field="name",
            )
        if not isinstance(self.description, str) or not self.description.strip():
            raise SkillError("a skill needs a description", path=self.path, field="description")

    @property
    def domains(self) -> list[str]:
        """Router domains of the skill (``metadata.domain`` / ``metadata.domains``)."""
        raw = self.metadata.get("domains", self.metadata.get("domain", []))
        if isinstance(raw, str):
            raw = raw.split(",")
        return [str(d).strip() for d in raw if str(d).strip()]

    @classmethod
    def from_content(cls, content: str, path: Path | None = None) -> Skill:
        """A skill from the text of a ``SKILL.md``.

        Raises:
            SkillError: no front matter, front matter that is not YAML or not
                a mapping, or no ``name`` / ``description``.
        """
        lines = content.splitlines()
        if not lines or lines[0].strip() != "---":
            raise SkillError(
                "SKILL.md must start with YAML front matter between '---' lines "
                "(name: and description:)",
                path=path,
                line=1,
            )
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is None:
            raise SkillError("front matter opened with --- is never closed", path=path, line=1)
        yaml = _yaml()
        try:
            front = yaml.safe_load("\n".join(lines[1:end]))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise SkillError(
                f"front matter is not valid YAML: {getattr(exc, 'problem', None) or exc}",
                path=path,
                line=mark.line + 2 if mark is not None else 1,
                cause=exc,
            ) from exc
        if not isinstance(front, dict):
            raise SkillError("front matter must be a mapping of fields", path=path, line=2)
        for key in ("name", "description"):
            value = front.get(key)
            if not isinstance(value, str) or not value.strip():
                line = next((i + 1 for i in range(1, end) if lines[i].startswith(f"{key}:")), 2)
                raise SkillError(
                    f"front matter needs a non-empty string {key!r}",
                    path=path,
                    line=line,
                    field=key,
                )
        tools = front.get("allowed-tools")
        if isinstance(tools, str):
            tools = tools.split()
        metadata = front.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise SkillError("'metadata' must be a mapping", path=path, field="metadata")
        extra = {k: v for k, v in front.items() if k not in _KNOWN}
        return cls(
            name=front["name"].strip(),
            description=" ".join(front["description"].split()),
            instructions="\n".join(lines[end + 1 :]).strip(),
            path=path.parent if path is not None else None,
            allowed_tools=list(tools) if tools is not None else None,
            metadata={**extra, **metadata},
            license=front.get("license"),
            compatibility=front.get("compatibility"),
        )

    @classmethod
    def from_file(cls, path: str | Path) -> Skill:
        """A skill from its ``SKILL.md`` file."""
        path = Path(path)
        try:
            content = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SkillError(f"cannot read the skill: {exc}", path=path, cause=exc) from exc
        return cls.from_content(content, path)

    @classmethod
    def from_directory(cls, path: str | Path) -> Skill:
        """A skill from its folder (which must hold a ``SKILL.md``).

        Raises:
            SkillError: the folder does not exist or has no ``SKILL.md``.
        """
        folder = Path(path)
        if not folder.is_dir():
            raise SkillError("not a skill folder (no such directory)", path=folder)
        skill_file = folder / SKILL_FILE
        if not skill_file.is_file():
            raise SkillError(
                f"skill folder has no {SKILL_FILE}; add one with front matter "
                "'name:' and 'description:'",
                path=folder,
            )
        return cls.from_file(skill_file)

    def list_resources(self, limit: int | None = None) -> list[str]:
        """Files of the skill folder besides ``SKILL.md`` (scripts, references...), relative."""
        if self.path is None:
            return []
        found: list[str] = []
        for item in sorted(self.path.rglob("*")):
            if not item.is_file() or item.name == SKILL_FILE:
                continue
            rel = item.relative_to(self.path)
            if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
                continue
            found.append(rel.as_posix())
            if limit is not None and len(found) >= limit:
                break
        return found

    def read_resource(self, relative: str, *, max_bytes: int = 64_000) -> str:
        """The text of one resource file (inside the skill folder only).

        Raises:
            SkillError: the path leaves the folder, does not exist, or is not text.
        """
        if self.path is None:
            raise SkillError(f"skill {self.name!r} has no folder", field="path")
        root = self.path.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise SkillError(
                f"no resource {relative!r} in skill {self.name!r}; "
                f"resources: {self.list_resources(20)}",
                path=self.path,
            )
        data = target.read_bytes()[:max_bytes]
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SkillError(
                f"resource {relative!r} is not UTF-8 text", path=self.path, cause=exc
            ) from exc
