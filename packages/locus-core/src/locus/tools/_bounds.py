"""Tool results within :class:`~locus.core.limits.Limits`, and failures as results."""

from __future__ import annotations

import time
from typing import Any

from locus.core.limits import Limits, check_value, truncate_result
from locus.core.messages import ToolCall, ToolResult
from locus.tools.decorator import render_result

__all__ = ["bounded_result", "describe", "failure", "within"]


def bounded_result(call: ToolCall, value: Any, started: float, limits: Limits) -> ToolResult:
    """The result the model sees, within ``limits``; never raises for the value."""
    try:
        content = render_result(value)
    except Exception as exc:  # a __str__ / serialiser that raises
        return failure(
            call,
            started,
            f"Tool {call.name!r} returned a {type(value).__name__} that cannot be "
            f"rendered as text ({describe(exc)}); return a str, dict or list instead",
        )
    if not isinstance(content, str):
        content = _safe_str(content)
    try:
        if check_value(value, limits):
            value = None  # keep the (truncated) text, drop the value from state
    except Exception:
        value = None
    return ToolResult(
        tool_call_id=call.id,
        name=call.name,
        content=truncate_result(content, limits),
        value=value,
        duration_ms=(time.perf_counter() - started) * 1000,
    )


def failure(call: ToolCall, started: float, message: str) -> ToolResult:
    """A failed call's result: ``message`` as the error the model sees."""
    return ToolResult(
        tool_call_id=call.id,
        name=call.name,
        content=f"Error: {message}",
        error=message,
        duration_ms=(time.perf_counter() - started) * 1000,
    )


def describe(exc: BaseException) -> str:
    """``"ValueError: text"``, even when the exception's own ``__str__`` raises."""
    return f"{type(exc).__name__}: {_safe_str(exc)}"


def _safe_str(value: Any) -> str:
    try:
        return str(value)
    except Exception:
        return f"<{type(value).__name__} whose str() raised>"


def within(limits: Limits) -> str:
    """The argument limits, as a hint appended to an error for the model."""
    return (
        f" (at most {limits.max_depth} levels deep and "
        f"{limits.max_argument_chars} characters of JSON)"
    )
