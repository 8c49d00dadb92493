"""Cases from YAML: :func:`load_cases`, :func:`load_suite`, :class:`EvalCaseError`.

A file is either a list of cases or a mapping with ``cases:`` and an optional
``agent: "module:attribute"`` (what ``locus eval`` runs them against).
PyYAML is imported only here (``pip install 'locus-core[eval]'``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import ValidationError
from locus.evaluation._case import EvalCase

__all__ = ["EvalCaseError", "EvalSuite", "load_cases", "load_suite"]


class EvalCaseError(ValidationError):
    """A case file is malformed: not YAML, wrong shape, or a field of the wrong type.

    Attributes:
        path: The file (``None`` for a string).
        line: 1-based line of the problem, when known.
        field: Dotted location of the bad field (``cases.2.max_iterations``), when known.
    """

    kind = "eval_case"

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        field: str | None = None,
        cause: BaseException | None = None,
    ) -> None:
        where = str(path) if path else "<string>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {message}", cause=cause)
        self.path = path
        self.line = line
        self.field = field


class EvalSuite(BaseModel):
    """A case file: the cases and, optionally, the agent they run against.

    Attributes:
        cases: The cases, in file order.
        agent: ``"module:attribute"`` naming an agent, or a function ``case -> agent``.
    """

    model_config = ConfigDict(extra="forbid")

    cases: list[EvalCase] = Field(default_factory=list)
    agent: str | None = None


def _yaml() -> Any:
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - exercised in the slim install
        raise ValidationError(
            "reading eval cases from YAML needs PyYAML: pip install 'locus-core[eval]'",
            cause=exc,
        ) from exc
    return yaml


def _node_line(root: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    yaml = _yaml()
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        child = None
        if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
            child = node.value[key] if key < len(node.value) else None
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
                    child = v
                    break
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def load_suite(source: str | Path) -> EvalSuite:
    """Read a case file (a path, or YAML text containing a newline).

    Raises:
        EvalCaseError: the YAML does not parse, is not a list of cases or a
            mapping with ``cases:``, or a case has a missing/invalid field
            (the message names the line and field).
    """
    yaml = _yaml()
    path: Path | None = None
    if isinstance(source, Path) or "\n" not in source:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise EvalCaseError(f"cannot read the case file: {exc}", path=path, cause=exc) from exc
    else:
        text = source
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise EvalCaseError(f"not valid YAML: {problem}", path=path, line=line, cause=exc) from exc
    wrapped = False
    if isinstance(data, list):
        data, wrapped = {"cases": data}, True
    if not isinstance(data, dict):
        raise EvalCaseError(
            f"expected a list of cases or a mapping with 'cases:' (got {type(data).__name__})",
            path=path,
            line=1,
        )
    try:
        return EvalSuite.model_validate(data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        node_loc = loc[1:] if wrapped else loc
        field = ".".join(str(p) for p in loc)
        line = _node_line(root, node_loc)
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise EvalCaseError(
            f"field {field}: {first['msg']}{more}", path=path, line=line, field=field, cause=exc
        ) from exc


def load_cases(source: str | Path) -> list[EvalCase]:
    """The cases of a case file (see :func:`load_suite`)."""
    return load_suite(source).cases
