"""Metadata filters: validation and in-process matching (servers translate them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from locus.core.errors import ValidationError

__all__ = ["COMPARISONS", "check_filter", "matches"]

COMPARISONS = ("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin")
_LOGICAL = ("$and", "$or")

_MISSING = object()


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    def compare(value: Any, operand: Any) -> bool:
        if value is _MISSING or value is None or isinstance(value, bool):
            return False
        if isinstance(value, int | float) and isinstance(operand, int | float):
            return op(value, operand)
        if isinstance(value, str) and isinstance(operand, str):
            return op(value, operand)
        return False

    return compare


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "$eq": lambda v, o: v is not _MISSING and v == o,
    "$ne": lambda v, o: v is _MISSING or v != o,
    "$gt": _ordered(lambda v, o: v > o),
    "$gte": _ordered(lambda v, o: v >= o),
    "$lt": _ordered(lambda v, o: v < o),
    "$lte": _ordered(lambda v, o: v <= o),
    "$in": lambda v, o: v is not _MISSING and v in o,
    "$nin": lambda v, o: v is _MISSING or v not in o,
}


def check_filter(filter: Any) -> None:
    """Raise :class:`ValidationError` naming what is wrong with ``filter``."""
    if not isinstance(filter, Mapping):
        raise ValidationError(f"a filter is a dict, got {type(filter).__name__}")
    for key, cond in filter.items():
        if key in _LOGICAL:
            if not isinstance(cond, list) or not cond:
                raise ValidationError(f"{key} takes a non-empty list of filters")
            for sub in cond:
                check_filter(sub)
        elif not isinstance(key, str) or key.startswith("$"):
            raise ValidationError(
                f"unknown filter operator {key!r}; top-level keys are metadata fields, $and or $or"
            )
        elif isinstance(cond, Mapping):
            for op, operand in cond.items():
                if op not in COMPARISONS:
                    raise ValidationError(
                        f"unknown operator {op!r} on {key!r}; use one of {', '.join(COMPARISONS)}"
                    )
                if op in ("$in", "$nin") and not isinstance(operand, list | tuple):
                    raise ValidationError(f"{op} on {key!r} takes a list")


def matches(metadata: Mapping[str, Any], filter: Mapping[str, Any] | None) -> bool:
    """Whether ``metadata`` satisfies ``filter`` (``None`` or ``{}`` match everything)."""
    if not filter:
        return True
    for key, cond in filter.items():
        if key == "$and":
            if not all(matches(metadata, sub) for sub in cond):
                return False
        elif key == "$or":
            if not any(matches(metadata, sub) for sub in cond):
                return False
        else:
            value = metadata.get(key, _MISSING)
            if isinstance(cond, Mapping):
                if not all(_OPS[op](value, operand) for op, operand in cond.items()):
                    return False
            elif value is _MISSING or value != cond:
                return False
    return True
