"""Playbooks from YAML, JSON and markdown: :func:`load_playbook`, :class:`PlaybookLoader`.

YAML and JSON hold the :class:`~locus.playbooks.Playbook` fields. Markdown
holds them as YAML front matter (between ``---`` lines), a ``# Title`` as
the name when the front matter has none, and the steps as a numbered list;
bullets under a step set its fields::

    ---
    name: slow queries
    description: latency of slow database queries
    ---
    1. List the slowest queries
       - tools: top_queries
       - hint: look at the last hour
    2. Explain the slowest one
       - id: explain
       - tools: explain, schema
       - requires: step-1
       - optional

PyYAML is imported only here (``pip install 'locus-core[eval]'``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import ValidationError
from locus.playbooks._models import Playbook

__all__ = ["PlaybookLoadError", "PlaybookLoader", "load_playbook"]


class PlaybookLoadError(ValidationError):
    """A playbook file or dict is malformed.

    Attributes:
        path: The file, when loading one.
        errors: Every problem found, one line each.
        line: 1-based line of the first problem, when known.
        field: Dotted location of the first bad field (``steps.1.max_tool_calls``).
    """

    kind = "playbook_load"

    def __init__(
        self,
        message: str,
        path: Path | None = None,
        errors: list[str] | None = None,
        *,
        line: int | None = None,
        field: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        where = str(path) if path else "<playbook>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}", cause=cause)
        self.path = path
        self.errors = list(errors or [message])
        self.line = line
        self.field = field


def _yaml() -> Any:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - the slim install
        raise ValidationError(
            "reading playbooks from YAML or markdown needs PyYAML: pip install 'locus-core[eval]'",
            cause=exc,
        ) from exc
    return yaml


_STEP = re.compile(r"^(\d+)[.)]\s+(.*\S)\s*$")
_BULLET = re.compile(r"^\s+[-*]\s+(.*\S)\s*$")
_TITLE = re.compile(r"^#\s+(.*\S)\s*$")
_LIST_FIELDS = {"tools": "expected_tools", "requires": "preconditions", "hint": "hints"}
_TEXT_FIELDS = {"id", "expected_output", "on_failure", "validation"}
_INT_FIELDS = {"max_tool_calls": int, "timeout_seconds": float}


class PlaybookLoader:
    """Reads playbooks; every method raises :class:`PlaybookLoadError` on bad input."""

    def load_file(self, path: str | Path) -> Playbook:
        """A playbook from ``.yaml``/``.yml``, ``.json`` or ``.md``."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise PlaybookLoadError(f"cannot read the playbook: {exc}", path, cause=exc) from exc
        suffix = path.suffix.lower()
        if suffix == ".json":
            return self.load_json_string(text, path=path)
        if suffix in (".md", ".markdown"):
            return self.load_markdown_string(text, path=path)
        if suffix in (".yaml", ".yml"):
            return self.load_yaml_string(text, path=path)
        raise PlaybookLoadError(
            f"unknown playbook format {suffix!r}: use .yaml, .yml, .json or .md", path
        )

    def load_dict(
        self,
        data: Any,
        *,
        path: Path | None = None,
        lines: dict[tuple[Any, ...], int] | None = None,
    ) -> Playbook:
        """A playbook from a mapping of its fields."""
        if not isinstance(data, dict):
            raise PlaybookLoadError(
                f"a playbook is a mapping of its fields, got {type(data).__name__}", path, line=1
            )
        try:
            return Playbook.model_validate(data)
        except PydanticValidationError as exc:
            problems = [
                f"{'.'.join(str(p) for p in e['loc']) or '<playbook>'}: {e['msg']}"
                for e in exc.errors()
            ]
            loc = tuple(exc.errors()[0]["loc"])
            line = _nearest_line(lines or {}, loc)
            raise PlaybookLoadError(
                f"field {problems[0]}"
                + (f" (and {len(problems) - 1} more)" if problems[1:] else ""),
                path,
                problems,
                line=line,
                field=".".join(str(p) for p in loc) or None,
                cause=exc,
            ) from exc

    def load_json_string(self, text: str, *, path: Path | None = None) -> Playbook:
        """A playbook from JSON text."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PlaybookLoadError(
                f"not valid JSON: {exc.msg}", path, line=exc.lineno, cause=exc
            ) from exc
        return self.load_dict(data, path=path)

    def load_yaml_string(
        self, text: str, *, path: Path | None = None, line_offset: int = 0
    ) -> Playbook:
        """A playbook from YAML text."""
        yaml = _yaml()
        try:
            root = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 + line_offset if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise PlaybookLoadError(
                f"not valid YAML: {problem}", path, line=line, cause=exc
            ) from exc
        lines = {loc: n + line_offset for loc, n in _yaml_lines(root).items()}
        return self.load_dict(data, path=path, lines=lines)

    def load_markdown_string(self, text: str, *, path: Path | None = None) -> Playbook:
        """A playbook from markdown (front matter + numbered steps)."""
        lines = text.splitlines()
        data: dict[str, Any] = {}
        where: dict[tuple[Any, ...], int] = {}
        body_start = 0
        if lines and lines[0].strip() == "---":
            end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
            if end is None:
                raise PlaybookLoadError(
                    "front matter opened with --- is never closed", path, line=1
                )
            front = "\n".join(lines[1:end])
            yaml = _yaml()
            try:
                root = yaml.compose(front)
                loaded = yaml.safe_load(front)
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                raise PlaybookLoadError(
                    f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
                    path,
                    line=line,
                    cause=exc,
                ) from exc
            if loaded is not None and not isinstance(loaded, dict):
                raise PlaybookLoadError("front matter must be a mapping of fields", path, line=2)
            data = dict(loaded or {})
            where = {loc: n + 1 for loc, n in _yaml_lines(root).items()}
            body_start = end + 1
        steps: list[dict[str, Any]] = []
        prose: list[str] = []
        for number, raw in enumerate(lines[body_start:], body_start + 1):
            if (title := _TITLE.match(raw)) and "name" not in data:
                data["name"] = title.group(1)
                where[("name",)] = number
            elif step := _STEP.match(raw):
                where[("steps", len(steps))] = number
                steps.append({"description": step.group(2)})
            elif (bullet := _BULLET.match(raw)) and steps:
                index = len(steps) - 1
                key, value = _bullet(bullet.group(1), path, number)
                where[("steps", index, key)] = number
                current = steps[index]
                if key in ("expected_tools", "preconditions", "hints"):
                    current.setdefault(key, []).extend(value)
                else:
                    current[key] = value
            elif raw.strip() and not steps and not raw.startswith("#"):
                prose.append(raw.strip())
        if steps:
            data.setdefault("steps", steps)
        if prose and "description" not in data:
            data["description"] = " ".join(prose)
        if "name" not in data:
            raise PlaybookLoadError(
                "a markdown playbook needs a name: 'name:' in the front matter or a '# Title'",
                path,
                line=1,
                field="name",
            )
        return self.load_dict(data, path=path, lines=where)


def _bullet(text: str, path: Path | None, line: int) -> tuple[str, Any]:
    if text.lower() == "optional":
        return "required", False
    key, sep, value = text.partition(":")
    key = key.strip().lower().replace(" ", "_")
    value = value.strip()
    if not sep:
        raise PlaybookLoadError(
            f"step bullet {text!r} is not 'field: value' (fields: tools, hint, requires, id, "
            "expected_output, on_failure, validation, max_tool_calls, timeout_seconds, optional)",
            path,
            line=line,
        )
    if key in _LIST_FIELDS:
        items = [value] if key == "hint" else [v.strip() for v in value.split(",") if v.strip()]
        return _LIST_FIELDS[key], items
    if key in _TEXT_FIELDS:
        return key, value
    if key in _INT_FIELDS:
        try:
            return key, _INT_FIELDS[key](value)
        except ValueError as exc:
            raise PlaybookLoadError(
                f"{key} must be a number, got {value!r}", path, line=line, field=key, cause=exc
            ) from exc
    raise PlaybookLoadError(
        f"unknown step field {key!r} (fields: tools, hint, requires, id, expected_output, "
        "on_failure, validation, max_tool_calls, timeout_seconds, optional)",
        path,
        line=line,
        field=key,
    )


def _yaml_lines(root: Any) -> dict[tuple[Any, ...], int]:
    """1-based line of every node of a composed YAML document, by location."""
    yaml = _yaml()
    out: dict[tuple[Any, ...], int] = {}

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        out[loc] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, (*loc, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, (*loc, index))

    if root is not None:
        walk(root, ())
    return out


def _nearest_line(lines: dict[tuple[Any, ...], int], loc: tuple[Any, ...]) -> int | None:
    for size in range(len(loc), -1, -1):
        if loc[:size] in lines:
            return lines[loc[:size]]
    return None


_LOADER = PlaybookLoader()


def load_playbook(source: str | Path | dict[str, Any]) -> Playbook:
    """A playbook from a file path, a mapping, or YAML/JSON text.

    Raises:
        PlaybookLoadError: the source does not parse or a field is invalid
            (the message names the line and field).
    """
    if isinstance(source, dict):
        return _LOADER.load_dict(source)
    if isinstance(source, Path) or "\n" not in source:
        return _LOADER.load_file(source)
    if source.lstrip().startswith("{"):
        return _LOADER.load_json_string(source)
    if source.lstrip().startswith("---") and re.search(r"^\d+[.)]\s", source, re.MULTILINE):
        return _LOADER.load_markdown_string(source)
    return _LOADER.load_yaml_string(source)
