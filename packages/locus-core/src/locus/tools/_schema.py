"""JSON schema and argument validation built from a function's signature.

Type hints become a pydantic model (so pydantic models, enums, ``Optional``,
``Literal``, lists, dicts and defaults all work); Google-style ``Args:``
sections give per-argument descriptions.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import re
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import ToolError, ToolValidationError

__all__ = ["ArgsSpec", "build_args_spec", "canonical_json", "parse_docstring"]

_SECTION = re.compile(
    r"^\s*(Args|Arguments|Parameters|Returns|Return|Raises|Yields|Examples?|Notes?)\s*:\s*$"
)
_ARG_LINE = re.compile(r"^\s*\*{0,2}(\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a Google-style docstring into (description, {arg: description})."""
    if not doc:
        return "", {}
    lines = inspect.cleandoc(doc).splitlines()
    summary: list[str] = []
    args: dict[str, str] = {}
    section: str | None = None
    current: str | None = None
    arg_indent: int | None = None
    for line in lines:
        header = _SECTION.match(line)
        if header:
            section = header.group(1).lower()
            current, arg_indent = None, None
            continue
        if section is None:
            summary.append(line)
            continue
        if section not in ("args", "arguments", "parameters") or not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        match = _ARG_LINE.match(line)
        if match and (arg_indent is None or indent <= arg_indent):
            arg_indent = indent
            current = match.group(1)
            args[current] = match.group(2).strip()
        elif current is not None:
            args[current] = (args[current] + " " + line.strip()).strip()
    return "\n".join(summary).strip(), args


def canonical_json(value: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, non-JSON values via ``str``."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _strip_titles(schema: Any, *, in_properties: bool = False) -> Any:
    if isinstance(schema, dict):
        out: dict[str, Any] = {}
        for key, value in schema.items():
            if key == "title" and not in_properties and isinstance(value, str):
                continue
            out[key] = _strip_titles(value, in_properties=key in ("properties", "$defs"))
        return out
    if isinstance(schema, list):
        return [_strip_titles(item) for item in schema]
    return schema


class ArgsSpec:
    """The argument model of a tool: schema, validation and context injection.

    Attributes:
        model: The pydantic model of the arguments the model fills.
        parameters: JSON schema of ``model`` (titles removed).
        context_param: Name of the parameter that receives the ``ToolContext``.
    """

    def __init__(self, model: type[BaseModel], context_param: str | None) -> None:
        self.model = model
        self.context_param = context_param
        schema = _strip_titles(model.model_json_schema())
        schema.setdefault("properties", {})
        schema["type"] = "object"
        self.parameters: dict[str, Any] = schema

    def validate(self, tool_name: str, arguments: dict[str, Any]) -> tuple[dict[str, Any], str]:
        """Validate ``arguments``; returns (python kwargs, canonical JSON of the validated args).

        Raises:
            ToolValidationError: the arguments do not match the schema.
        """
        kwargs, as_json = self.coerce(tool_name, arguments)
        return kwargs, canonical_json(as_json)

    def coerce(
        self, tool_name: str, arguments: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Validate ``arguments``; returns (python kwargs, the validated args in JSON form).

        :meth:`validate` without the canonical text, which only idempotent
        calls need (their ledger key).

        Raises:
            ToolValidationError: the arguments do not match the schema.
        """
        try:
            instance = self.model.model_validate(arguments)
        except PydanticValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(arguments)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ToolValidationError(
                f"Invalid arguments for tool {tool_name!r}: {problems}. "
                "Call the tool again with arguments matching its schema.",
                cause=exc,
            ) from exc
        kwargs = {name: getattr(instance, name) for name in type(instance).model_fields}
        return kwargs, instance.model_dump(mode="json")


def _is_context(annotation: Any) -> bool:
    from locus.tools.context import ToolContext

    if annotation is ToolContext:
        return True
    origin = typing.get_origin(annotation)
    if origin is not None:
        return any(arg is ToolContext for arg in typing.get_args(annotation))
    return False


def _parameter_hints(
    fn: Callable[..., Any], name: str, localns: dict[str, Any] | None
) -> dict[str, Any]:
    try:
        return typing.get_type_hints(fn, localns=localns, include_extras=True)
    except Exception:  # fall back to resolving the parameters one by one
        pass
    namespace: dict[str, Any] = dict(getattr(fn, "__globals__", {}))
    with contextlib.suppress(TypeError, ValueError):
        namespace.update(inspect.getclosurevars(fn).nonlocals)
    namespace.update(localns or {})
    hints: dict[str, Any] = {}
    for param, annotation in getattr(fn, "__annotations__", {}).items():
        if param == "return":
            continue  # the return type is not part of the schema
        if isinstance(annotation, str):
            try:
                annotation = eval(annotation, namespace)
            except Exception as exc:
                raise ToolError(
                    f"Cannot resolve the type hint of parameter {param!r} of tool {name!r}: "
                    f"{exc}. Import the annotated types at module level.",
                    cause=exc,
                ) from exc
        hints[param] = annotation
    return hints


def build_args_spec(
    fn: Callable[..., Any],
    name: str,
    arg_docs: dict[str, str],
    localns: dict[str, Any] | None = None,
) -> ArgsSpec:
    """Build the :class:`ArgsSpec` of ``fn``'s parameters.

    Raises:
        ToolError: a parameter is ``*args``/``**kwargs`` or positional-only.
    """
    hints = _parameter_hints(fn, name, localns)
    fields: dict[str, Any] = {}
    context_param: str | None = None
    for param in inspect.signature(fn).parameters.values():
        if param.name in ("self", "cls"):
            continue
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise ToolError(
                f"Tool {name!r}: parameter {param.name!r} must be a named parameter "
                "(no *args, **kwargs or positional-only parameters)."
            )
        annotation = hints.get(param.name, Any)
        if _is_context(annotation):
            context_param = param.name
            continue
        default = ... if param.default is inspect.Parameter.empty else param.default
        description = arg_docs.get(param.name)
        fields[param.name] = (annotation, Field(default, description=description))
    model = create_model(
        f"{name}_arguments",
        __config__=ConfigDict(arbitrary_types_allowed=True, extra="forbid"),
        **fields,
    )
    return ArgsSpec(model, context_param)
