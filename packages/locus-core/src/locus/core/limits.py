"""Limits on what a model or a tool may hand to a run.

Model-written tool arguments and tool results enter a run's state and every
checkpoint after it. :class:`Limits` bounds their nesting depth and size so
that nothing a model or tool sends can crash a run or make a thread
unloadable: arguments past a limit become a tool error the model sees (it can
call again), a result past the size limit is truncated with a note, and a
return value nested too deep is dropped (its rendered text is kept).

Example:
    >>> from locus.core.limits import Limits, check_arguments
    >>> check_arguments({"q": {"a": {"b": 1}}}, Limits(max_depth=2))
    'nested deeper than 2 levels'
    >>> check_arguments({"q": 1}, Limits()) is None
    True
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from locus.core.errors import ConfigError

__all__ = [
    "DEFAULT_LIMITS",
    "MAX_SUPPORTED_DEPTH",
    "REJECTED_PREFIX",
    "Limits",
    "check_arguments",
    "check_value",
    "explain_raw_arguments",
    "parse_arguments",
    "rejected_marker",
    "truncate_result",
]

MAX_SUPPORTED_DEPTH = 200
"""Deepest ``max_depth`` accepted: a state holding values this deep still
saves and loads on every checkpointer (the serialiser stops near 250 levels)."""

REJECTED_PREFIX = "<locus: arguments rejected: "
"""Start of the ``ToolCall.raw_arguments`` text of a call whose arguments were
dropped at the door (the executor reports the reason to the model)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on model-sent tool arguments and tool results.

    Args:
        max_depth: Deepest nesting of lists/objects in one call's arguments and
            in a tool's return value (``{"a": 1}`` is depth 1). At most
            :data:`MAX_SUPPORTED_DEPTH`.
        max_argument_chars: Largest JSON text of one call's arguments (about
            the size of its JSON encoding, in characters).
        max_result_chars: Longest rendered tool result kept; a longer one is
            cut to this length and ends with a note saying how long it was.

    Raises:
        locus.core.errors.ConfigError: a limit is not a positive integer, or
            ``max_depth`` exceeds :data:`MAX_SUPPORTED_DEPTH`.
    """

    max_depth: int = 64
    max_argument_chars: int = 256_000
    max_result_chars: int = 100_000

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_argument_chars", "max_result_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"Limits.{name} must be a positive integer, got {value!r}")
        if self.max_depth > MAX_SUPPORTED_DEPTH:
            raise ConfigError(
                f"Limits.max_depth must be <= {MAX_SUPPORTED_DEPTH} (deeper states cannot be "
                f"checkpointed and loaded back), got {self.max_depth}"
            )


DEFAULT_LIMITS = Limits()
"""The limits used when an agent is given none."""


def _measure(value: Any, max_depth: int, max_chars: int) -> str | None:
    """Walk ``value`` without recursion; the first limit it breaks, or ``None``."""
    chars = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            depth += 1
            if depth > max_depth:
                return f"nested deeper than {max_depth} levels"
            chars += 2 + len(item)
            if isinstance(item, dict):
                for key, sub in item.items():
                    chars += len(key) + 3 if isinstance(key, str) else 8
                    stack.append((sub, depth))
            else:
                stack.extend((sub, depth) for sub in item)
        elif isinstance(item, str):
            chars += len(item) + 2
        else:
            chars += 8
        if chars > max_chars:
            return f"larger than {max_chars} characters of JSON"
    return None


def check_arguments(arguments: Any, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why ``arguments`` break ``limits`` (``"nested deeper than 64 levels"``), or ``None``."""
    return _measure(arguments, limits.max_depth, limits.max_argument_chars)


def check_value(value: Any, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why a tool's return value is too deep or too large to keep, or ``None``."""
    return _measure(value, limits.max_depth, limits.max_result_chars)


def rejected_marker(problem: str) -> str:
    """The ``raw_arguments`` text recording that a call's arguments were dropped."""
    return f"{REJECTED_PREFIX}{problem}>"


def parse_arguments(raw: str, limits: Limits = DEFAULT_LIMITS) -> tuple[dict[str, Any] | None, str]:
    """Decode model-sent argument text within ``limits``.

    Never raises (nesting past the interpreter's recursion limit included).

    Returns:
        ``(arguments, "")`` when ``raw`` is a JSON object within the limits,
        else ``(None, problem)``.
    """
    if len(raw) > limits.max_argument_chars:
        return None, f"larger than {limits.max_argument_chars} characters of JSON"
    try:
        decoded = json.loads(raw)
    except RecursionError:
        return None, f"nested deeper than {limits.max_depth} levels"
    except ValueError as exc:
        return None, f"not a valid JSON object ({exc})"
    if not isinstance(decoded, dict):
        return None, f"not a valid JSON object (got a JSON {type(decoded).__name__})"
    problem = check_arguments(decoded, limits)
    return (None, problem) if problem else (decoded, "")


def explain_raw_arguments(raw: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """Why a call's undecoded ``raw_arguments`` were not usable, for the model."""
    if raw.startswith(REJECTED_PREFIX):
        return raw[len(REJECTED_PREFIX) : -1]
    _, problem = parse_arguments(raw, limits)
    return problem or "not usable"


def truncate_result(text: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """``text`` cut to ``limits.max_result_chars``, with a note when it was longer."""
    if len(text) <= limits.max_result_chars:
        return text
    note = (
        f"\n[truncated by locus: the tool returned {len(text)} characters, "
        f"the first {limits.max_result_chars} are shown]"
    )
    return text[: limits.max_result_chars] + note
