"""Parse the longest complete-able prefix of a JSON document still being streamed."""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter, ValidationError

__all__ = ["parse_partial", "valid_fields"]

_MISSING = object()


def parse_partial(text: str) -> Any:
    """The value a JSON prefix denotes so far, or ``None`` when nothing is parseable yet.

    Open strings, arrays and objects are closed; a trailing key without a
    value, a dangling comma or an unfinished number/literal is dropped.
    ``'{"a": [1, 2'`` gives ``{"a": [1, 2]}``; ``'{"a": "hel'`` gives
    ``{"a": "hel"}``; ``'{"a": tr'`` gives ``{}``.
    """
    start = text.find("{")
    bracket = text.find("[")
    if start < 0 or (0 <= bracket < start):
        start = bracket
    if start < 0:
        return None
    text = text[start:]
    stack: list[str] = []
    in_string = escaped = False
    # (cut, closers, in_string): prefixes known to become valid once closed
    safe: list[tuple[int, str]] = []
    for i, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
                safe.append((i + 1, _closers(stack)))
            continue
        if char == '"':
            in_string = True
            if not escaped:
                # inside a value string: the text so far closes with a quote
                safe.append((-(i + 1), _closers(stack)))
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
            safe.append((i + 1, _closers(stack)))
        elif char in "}]":
            if stack:
                stack.pop()
            safe.append((i + 1, _closers(stack)))
            if not stack:
                break
        elif char in "0123456789eE.+-tfrualsn":
            continue
        elif char == ",":
            safe.append((i, _closers(stack)))
    tail = text.rstrip()[-1:]
    if not in_string and tail and tail not in "0123456789eE.+-tfrualsn":
        safe.append((len(text), _closers(stack)))  # a number or literal may still go on
    for cut, closers in reversed(safe):
        if cut < 0:  # a string opened at -cut-1: keep what arrived of it
            body = text[:-1] if escaped else text  # an escape cut in half waits for its char
            candidate = body + '"' + closers if in_string else None
            if candidate is None:
                continue
        else:
            candidate = text[:cut].rstrip().rstrip(",").rstrip() + closers
        value = _loads(candidate)
        if value is _MISSING:
            # a key without its value: drop it
            trimmed = _drop_dangling_key(candidate[: len(candidate) - len(closers)])
            value = _loads(trimmed + closers) if trimmed is not None else _MISSING
        if value is not _MISSING:
            return value
    return None


def _closers(stack: list[str]) -> str:
    return "".join(reversed(stack))


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return _MISSING


def _drop_dangling_key(text: str) -> str | None:
    body = text.rstrip()
    if body.endswith(":"):
        body = body[:-1].rstrip()
    if not body.endswith('"'):
        return None
    start = body.rfind('"', 0, len(body) - 1)
    while start > 0 and body[start - 1] == "\\":
        start = body.rfind('"', 0, start - 1)
    if start < 0:
        return None
    return body[:start].rstrip().rstrip(",")


def valid_fields(value: Any, adapters: dict[str, TypeAdapter[Any]]) -> dict[str, Any] | None:
    """The entries of a partial object that validate on their own, by field name.

    ``None`` when ``value`` is not an object; unknown keys and values that do
    not validate (yet) are left out.
    """
    if not isinstance(value, dict):
        return None
    fields: dict[str, Any] = {}
    for name, raw in value.items():
        adapter = adapters.get(name)
        if adapter is None:
            continue
        try:
            fields[name] = adapter.validate_python(raw)
        except ValidationError:
            continue
    return fields
