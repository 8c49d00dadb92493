"""Schema-valid example values from a JSON schema (for :class:`~locus.models.TestModel`)."""

from __future__ import annotations

from typing import Any

__all__ = ["example_value"]

_MAX_DEPTH = 8


def example_value(
    schema: dict[str, Any], root: dict[str, Any] | None = None, depth: int = 0
) -> Any:
    """A deterministic value that validates against ``schema``.

    Handles ``$ref``/``$defs``, ``enum``, ``const``, ``anyOf``/``oneOf``/``allOf``,
    ``default``, numeric bounds, string lengths, arrays and objects (required
    properties only).
    """
    root = root if root is not None else schema
    if depth > _MAX_DEPTH:
        return None
    if "$ref" in schema:
        return example_value(_resolve(schema["$ref"], root), root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for combinator in ("anyOf", "oneOf"):
        options = schema.get(combinator)
        if options:
            non_null = [o for o in options if o.get("type") != "null"]
            return example_value((non_null or options)[0], root, depth + 1)
    if schema.get("allOf"):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part["$ref"], root) if "$ref" in part else part)
        return example_value(merged, root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    return _typed(kind, schema, root, depth)


def _typed(kind: str, schema: dict[str, Any], root: dict[str, Any], depth: int) -> Any:
    if kind == "string":
        length = int(schema.get("minLength", 1))
        fmt = schema.get("format")
        if fmt == "date-time":
            return "2024-01-01T00:00:00Z"
        if fmt == "date":
            return "2024-01-01"
        if fmt in ("uri", "url"):
            return "https://example.com"
        if fmt == "email":
            return "user@example.com"
        return "a" * max(length, 1)
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        if low is not None and high is not None:
            value: float = (low + high) / 2
        elif low is not None:
            value = low + 1 if "exclusiveMinimum" in schema else low
        elif high is not None:
            value = high - 1 if "exclusiveMaximum" in schema else min(high, 0)
        else:
            value = 0
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    if kind == "array":
        items = schema.get("items") or {}
        count = int(schema.get("minItems", 1))
        return [example_value(items, root, depth + 1) for _ in range(max(count, 1))]
    properties: dict[str, Any] = schema.get("properties") or {}
    required = schema.get("required", list(properties))
    return {
        name: example_value(sub, root, depth + 1)
        for name, sub in properties.items()
        if name in required
    }


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}
