"""Structured output helpers: JSON out of a model reply, validated against a pydantic schema.

The agent loop uses :func:`parse_json_text` and :func:`response_format` for
``Agent(output_schema=...)``; the rest is the original locus's
``locus.core.structured`` surface over them (``parse_structured``,
``StructuredOutput``...).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from locus.core._partial_json import parse_partial as _parse_partial_json
from locus.core._partial_json import valid_fields
from locus.core.errors import StructuredOutputError as _StructuredOutputError

__all__ = [
    "StructuredOutput",
    "StructuredOutputError",
    "build_response_format",
    "create_output_instructions",
    "create_schema_prompt",
    "extract_json",
    "format_validation_errors",
    "inline_schema_refs",
    "parse_json_text",
    "parse_partial",
    "parse_structured",
    "response_format",
]

T = TypeVar("T", bound=BaseModel)

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


@functools.lru_cache(maxsize=256)
def _schema_json(schema: type[BaseModel]) -> str:
    # generating a JSON schema costs far more than a run's other work: once per class
    return json.dumps(schema.model_json_schema())


def response_format(schema: type[BaseModel]) -> dict[str, Any]:
    """The OpenAI-style ``response_format`` for ``schema`` (a fresh dict each call)."""
    return build_response_format(schema, strict=False)


def build_response_format(schema: type[BaseModel], *, strict: bool = True) -> dict[str, Any]:
    """The OpenAI-style ``response_format`` for ``schema``, ``strict`` as given."""
    return {
        "type": "json_schema",
        "json_schema": {
            "name": schema.__name__,
            "schema": json.loads(_schema_json(schema)),
            "strict": strict,
        },
    }


def _candidates(text: str) -> list[str]:
    found = [text.strip()]
    found += [m.strip() for m in _FENCE.findall(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        found.append(text[start : end + 1])
    return found


def parse_json_text(text: str) -> Any:
    """Decode JSON from a model reply: plain, fenced in a code block, or embedded in prose.

    Raises:
        ValueError: no valid JSON in ``text``.
    """
    for candidate in _candidates(text):
        try:
            return json.loads(candidate)
        except (json.JSONDecodeError, ValueError):
            continue
    raise ValueError("the reply is not valid JSON")


def extract_json(content: str) -> str:
    """The JSON text inside a reply (plain, fenced or embedded), or the stripped reply."""
    for candidate in _candidates(content):
        try:
            json.loads(candidate)
        except (json.JSONDecodeError, ValueError):
            continue
        return candidate
    return content.strip()


class StructuredOutputError(_StructuredOutputError):
    """A reply did not parse/validate; carries the raw text and the validation errors.

    Args:
        message: What went wrong.
        raw_content: The reply as the model sent it.
        errors: pydantic's error dicts, if validation failed.
    """

    def __init__(
        self, message: str, raw_content: str = "", errors: list[Any] | None = None
    ) -> None:
        super().__init__(message)
        self.raw_content = raw_content
        self.errors = list(errors or [])


class StructuredOutput(BaseModel, Generic[T]):
    """The outcome of :func:`parse_structured`: the parsed model or what went wrong."""

    raw: str
    parsed: Any = None
    error: str | None = None
    validation_errors: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def success(self) -> bool:
        """The reply parsed and validated."""
        return self.error is None and self.parsed is not None

    def unwrap(self) -> Any:
        """The parsed model.

        Raises:
            StructuredOutputError: parsing or validation failed.
        """
        if not self.success:
            raise StructuredOutputError(self.error or "no output", self.raw, self.validation_errors)
        return self.parsed


def format_validation_errors(errors: list[dict[str, Any]]) -> str:
    """pydantic error dicts as lines ``field.path: message``."""
    lines = []
    for err in errors:
        where = ".".join(str(p) for p in err.get("loc", ())) or "(root)"
        lines.append(f"{where}: {err.get('msg', err)}")
    return "\n".join(lines)


def parse_structured(content: str, schema: type[T], strict: bool = True) -> StructuredOutput[T]:
    """Parse ``content`` as JSON and validate it against ``schema`` (``strict`` pydantic mode)."""
    try:
        data = parse_json_text(content)
    except ValueError as exc:
        return StructuredOutput(raw=content, error=str(exc))
    try:
        parsed = schema.model_validate(data, strict=strict)
    except PydanticValidationError as exc:
        errors: list[dict[str, Any]] = [dict(e) for e in exc.errors(include_url=False)]
        return StructuredOutput(
            raw=content, error=format_validation_errors(errors), validation_errors=errors
        )
    return StructuredOutput(raw=content, parsed=parsed)


def parse_partial(content: str, schema: type[T]) -> T | None:
    """The ``schema`` instance an unfinished JSON reply denotes so far, or ``None``.

    A complete reply is validated as a whole. An unfinished one (a model still
    streaming) is closed where it stops and built with the fields whose value
    is already valid on its own (``schema.model_construct``: the others are
    absent, not defaulted), as :func:`locus.streaming.stream_structured` does.
    ``None`` when no field is valid yet or the text holds no JSON object.
    """
    value = _parse_partial_json(content)
    if not isinstance(value, dict):
        return None
    try:
        return schema.model_validate(value)
    except PydanticValidationError:
        pass
    adapters: dict[str, TypeAdapter[Any]] = {
        name: TypeAdapter(Any if f.annotation is None else f.annotation)
        for name, f in schema.model_fields.items()
    }
    fields = valid_fields(value, adapters)
    return schema.model_construct(**fields) if fields else None


def inline_schema_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of a JSON schema with every local ``$ref`` to ``$defs`` replaced by its target."""
    defs = schema.get("$defs", {})

    def resolve(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/$defs/"):
                name = ref.removeprefix("#/$defs/")
                if name in seen or name not in defs:  # recursive schema: keep the reference
                    return node
                return resolve(copy.deepcopy(defs[name]), (*seen, name))
            return {k: resolve(v, seen) for k, v in node.items() if k != "$defs"}
        if isinstance(node, list):
            return [resolve(v, seen) for v in node]
        return node

    result: dict[str, Any] = resolve(schema, ())
    return result


def create_schema_prompt(schema: type[BaseModel]) -> str:
    """A prompt paragraph showing ``schema``'s JSON schema."""
    return f"Respond with JSON matching this schema:\n{_schema_json(schema)}"


def create_output_instructions(schema: type[BaseModel]) -> str:
    """Instructions asking for a bare JSON object matching ``schema``."""
    return (
        create_schema_prompt(schema) + "\nReply with the JSON object only: no prose, no code fence."
    )
