"""The termination algebra: typed stop conditions composed with ``|`` and ``&``.

::

    termination = (
        (ToolCalled("submit_po") & ConfidenceMet(0.9))
        | TextMention(r"\\bDONE\\b")
        | MaxIterations(15)
    )

Each condition's :meth:`~TerminationCondition.check` returns the stop reason
with the values it observed (``"ToolCalled('submit_po') and ConfidenceMet(0.92)"``)
or ``None``. ``repr`` gives back the expression, ``to_dict``/``from_dict``
serialise it; custom predicates serialise by a registered name.

The agent loop always also stops on a model turn without tool calls and at
its ``max_iterations``, whatever the condition says.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from locus.core._termination_base import (
    SCHEMA_VERSION,
    AllOf,
    AnyOf,
    InvalidConditionError,
    TerminationCondition,
)
from locus.core.errors import TerminationError
from locus.core.messages import Role

if TYPE_CHECKING:
    from locus.core.state import AgentState

__all__ = [
    "SCHEMA_VERSION",
    "AllOf",
    "AndCondition",
    "AnyOf",
    "ConfidenceMet",
    "CustomCondition",
    "InvalidConditionError",
    "MaxIterations",
    "NoToolCalls",
    "OrCondition",
    "TerminationCondition",
    "TextMention",
    "TimeLimit",
    "TokenLimit",
    "ToolCalled",
    "condition",
    "register_condition",
    "registered_conditions",
]

# the original locus's names for the composites (``a | b`` builds an AnyOf)
OrCondition = AnyOf
AndCondition = AllOf

Predicate = Callable[["AgentState"], "bool | str | None"]


def _number(value: Any, what: str, *, integer: bool = False) -> float:
    ok_types = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, ok_types):
        kind = "an int" if integer else "a number"
        raise InvalidConditionError(f"{what} must be {kind}, got {value!r}.")
    return value


def _fmt(value: float) -> str:
    return repr(round(float(value), 4))


class MaxIterations(TerminationCondition):
    """Stop once ``n`` loop iterations have run (reason shows the observed count)."""

    type_name = "max_iterations"

    def __init__(self, n: int | None = None, *, max_iterations: int | None = None) -> None:
        if max_iterations is not None:  # the original locus's keyword
            if n is not None:
                raise InvalidConditionError("MaxIterations takes n or max_iterations=, not both.")
            n = max_iterations
        if n is None or _number(n, "MaxIterations(n)", integer=True) < 1:
            raise InvalidConditionError(f"MaxIterations(n) needs n >= 1, got {n}.")
        self.n = n

    def check(self, state: AgentState) -> str | None:
        return f"MaxIterations({state.iteration})" if state.iteration >= self.n else None

    def _params(self) -> dict[str, Any]:
        return {"n": self.n}

    def __repr__(self) -> str:
        return f"MaxIterations({self.n})"


class TokenLimit(TerminationCondition):
    """Stop once the run used ``max_tokens`` tokens or more (``token_usage.total_tokens``)."""

    type_name = "token_limit"

    def __init__(self, max_tokens: int) -> None:
        if _number(max_tokens, "TokenLimit(max_tokens)", integer=True) < 1:
            raise InvalidConditionError(f"TokenLimit needs max_tokens >= 1, got {max_tokens}.")
        self.max_tokens = max_tokens

    def check(self, state: AgentState) -> str | None:
        used = state.token_usage.total_tokens
        return f"TokenLimit({used})" if used >= self.max_tokens else None

    def _params(self) -> dict[str, Any]:
        return {"max_tokens": self.max_tokens}

    def __repr__(self) -> str:
        return f"TokenLimit({self.max_tokens})"


class TimeLimit(TerminationCondition):
    """Stop once ``seconds`` have passed since the run started (``state.started_at``)."""

    type_name = "time_limit"

    def __init__(self, seconds: float) -> None:
        if _number(seconds, "TimeLimit(seconds)") <= 0:
            raise InvalidConditionError(f"TimeLimit needs seconds > 0, got {seconds}.")
        self.seconds = seconds

    def check(self, state: AgentState) -> str | None:
        elapsed = time.time() - state.started_at
        return f"TimeLimit({_fmt(elapsed)})" if elapsed >= self.seconds else None

    def _params(self) -> dict[str, Any]:
        return {"seconds": self.seconds}

    def __repr__(self) -> str:
        return f"TimeLimit({self.seconds!r})"


class NoToolCalls(TerminationCondition):
    """Stop when the last message is an assistant turn that called no tool."""

    type_name = "no_tool_calls"

    def check(self, state: AgentState) -> str | None:
        last = state.last_message
        if last is not None and last.role is Role.ASSISTANT and not last.tool_calls:
            return "NoToolCalls()"
        return None

    def _params(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return "NoToolCalls()"


class ToolCalled(TerminationCondition):
    """Stop once a tool ran successfully in the current run.

    Args:
        name: Tool name.
        args: When given, the call's arguments must include these key/values.

    Only executions of the current run count (``execution.run_id ==
    state.run_id``), so a tool called in an earlier run of the thread does
    not stop a new run. Failed and in-doubt calls do not count; calls answered
    from the idempotency ledger do.
    """

    type_name = "tool_called"

    def __init__(
        self,
        name: str | None = None,
        args: dict[str, Any] | None = None,
        *,
        tool_name: str | None = None,
    ) -> None:
        if tool_name is not None:  # the original locus's keyword
            if name is not None:
                raise InvalidConditionError("ToolCalled takes name or tool_name=, not both.")
            name = tool_name
        if not isinstance(name, str) or not name:
            raise InvalidConditionError(f"ToolCalled(name) needs a tool name, got {name!r}.")
        if args is not None and not isinstance(args, dict):
            raise InvalidConditionError(f"ToolCalled(args=) must be a dict, got {args!r}.")
        self.name = name
        self.args = dict(args) if args else None

    def check(self, state: AgentState) -> str | None:
        for execution in reversed(state.tool_executions):
            if (
                execution.name == self.name
                and execution.run_id == state.run_id
                and execution.error is None
                and not execution.in_doubt
                and self._args_match(execution.arguments)
            ):
                return repr(self)
        return None

    def _args_match(self, arguments: dict[str, Any]) -> bool:
        if not self.args:
            return True
        return all(k in arguments and arguments[k] == v for k, v in self.args.items())

    def _params(self) -> dict[str, Any]:
        return {"name": self.name, "args": self.args}

    def __repr__(self) -> str:
        return (
            f"ToolCalled({self.name!r}, {self.args!r})"
            if self.args
            else f"ToolCalled({self.name!r})"
        )


class ConfidenceMet(TerminationCondition):
    """Stop once the self-assessed confidence reaches ``threshold`` (Reflexion feeds it).

    The reason shows the observed confidence: ``ConfidenceMet(0.92)``.
    """

    type_name = "confidence_met"

    def __init__(self, threshold: float) -> None:
        if not 0.0 <= _number(threshold, "ConfidenceMet(threshold)") <= 1.0:
            raise InvalidConditionError(
                f"ConfidenceMet needs 0 <= threshold <= 1, got {threshold}."
            )
        self.threshold = threshold

    def check(self, state: AgentState) -> str | None:
        observed = state.confidence
        if observed is not None and observed >= self.threshold:
            return f"ConfidenceMet({_fmt(observed)})"
        return None

    def _params(self) -> dict[str, Any]:
        return {"threshold": self.threshold}

    def __repr__(self) -> str:
        return f"ConfidenceMet({self.threshold!r})"


class TextMention(TerminationCondition):
    """Stop when the last assistant message matches a regular expression (``re.search``).

    Args:
        pattern: The regex, e.g. ``r"\\bDONE\\b"``.
        ignore_case: Match case-insensitively.
        text: The original locus's form: a literal text (not a regex).
        case_sensitive: With ``text=``: match case (default ``False``, as in the original).
    """

    type_name = "text_mention"

    def __init__(
        self,
        pattern: str | None = None,
        ignore_case: bool = False,
        *,
        text: str | None = None,
        case_sensitive: bool | None = None,
    ) -> None:
        if text is not None:  # the original locus's keywords: literal, case-insensitive
            if pattern is not None:
                raise InvalidConditionError("TextMention takes a pattern or text=, not both.")
            pattern = re.escape(text)
            ignore_case = not case_sensitive
        elif case_sensitive is not None:
            ignore_case = not case_sensitive
        if not isinstance(pattern, str) or not pattern:
            raise InvalidConditionError(f"TextMention needs a non-empty regex, got {pattern!r}.")
        try:
            self._regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        except re.error as exc:
            raise InvalidConditionError(
                f"TextMention pattern {pattern!r} is not a valid regex: {exc}."
            ) from exc
        self.pattern = pattern
        self.ignore_case = ignore_case

    def check(self, state: AgentState) -> str | None:
        for message in reversed(state.messages):
            if message.role is Role.ASSISTANT:
                return repr(self) if self._regex.search(message.content or "") else None
        return None

    def _params(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "ignore_case": self.ignore_case}

    def __repr__(self) -> str:
        flag = ", ignore_case=True" if self.ignore_case else ""
        return f"TextMention({_pattern_literal(self.pattern)}{flag})"


def _pattern_literal(pattern: str) -> str:
    """A raw-string literal for a regex when it round-trips, else the plain repr."""
    trailing = len(pattern) - len(pattern.rstrip("\\"))
    if "\\" in pattern and "'" not in pattern and pattern.isprintable() and trailing % 2 == 0:
        return f"r'{pattern}'"
    return repr(pattern)


# --- custom conditions ----------------------------------------------------------

_REGISTRY: dict[str, Predicate] = {}


def register_condition(name: str, fn: Predicate) -> CustomCondition:
    """Register a predicate under ``name`` so conditions using it serialise.

    Args:
        name: Stable name stored in ``to_dict()`` output.
        fn: ``fn(state)`` returning truthy (or a reason string) to stop.

    Returns:
        A :class:`CustomCondition` for it.
    """
    if not isinstance(name, str) or not name:
        raise InvalidConditionError(f"A condition name must be a non-empty string, got {name!r}.")
    if not callable(fn):
        raise InvalidConditionError(f"register_condition({name!r}, fn) needs a callable.")
    _REGISTRY[name] = fn
    return CustomCondition(fn, name=name)


def condition(name: str) -> Callable[[Predicate], CustomCondition]:
    """Decorator form of :func:`register_condition`: ``@condition("approved")``."""

    def decorate(fn: Predicate) -> CustomCondition:
        return register_condition(name, fn)

    return decorate


def registered_conditions() -> dict[str, Predicate]:
    """A copy of the registered custom predicates, by name."""
    return dict(_REGISTRY)


class CustomCondition(TerminationCondition):
    """Stop when a Python predicate says so.

    Args:
        fn: ``fn(state) -> bool | str | None``; a non-empty string is used as the
            stop reason, another truthy value gives ``CustomCondition('<name>')``.
            A registered name may be passed instead of the function.
        name: Name in reasons and ``repr``; defaults to the registered name or
            the function's ``__name__``.

    Raises:
        TerminationError: ``fn`` is a name nobody registered.
    """

    type_name = "custom"

    def __init__(self, fn: Predicate | str, name: str | None = None) -> None:
        if isinstance(fn, str):
            if fn not in _REGISTRY:
                raise TerminationError(_unregistered(fn))
            name, fn = name or fn, _REGISTRY[fn]
        if not callable(fn):
            raise InvalidConditionError(f"CustomCondition needs a callable, got {fn!r}.")
        if name is None:
            name = next((k for k, v in _REGISTRY.items() if v is fn), None)
        self.fn = fn
        self.name: str = name or str(getattr(fn, "__name__", type(fn).__name__))

    @property
    def registered(self) -> bool:
        """Whether ``name`` is registered to this function (so it serialises)."""
        return _REGISTRY.get(self.name) is self.fn

    def check(self, state: AgentState) -> str | None:
        result = self.fn(state)
        if isinstance(result, str):
            return result or None
        return f"CustomCondition({self.name!r})" if result else None

    def _params(self) -> dict[str, Any]:
        return {"name": self.name}

    def _key(self) -> tuple[Any, ...]:
        return (CustomCondition, self.name, self.fn)

    def to_dict(self) -> dict[str, Any]:
        if not self.registered:
            raise TerminationError(
                f"CustomCondition {self.name!r} cannot be serialised: its function is not "
                f"registered. Use register_condition({self.name!r}, fn) or "
                f"@condition({self.name!r}) from locus.core.termination."
            )
        return super().to_dict()

    @classmethod
    def _from_params(cls, params: dict[str, Any]) -> TerminationCondition:
        name = params.get("name")
        if not isinstance(name, str) or name not in _REGISTRY:
            raise TerminationError(_unregistered(name))
        return cls(name)

    def __repr__(self) -> str:
        if self.registered:
            return f"CustomCondition({self.name!r})"
        fn_name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"CustomCondition(<{fn_name}>, name={self.name!r})"


def _unregistered(name: object) -> str:
    return (
        f"No termination condition is registered as {name!r}. Register the predicate before "
        f"loading: locus.core.termination.register_condition({name!r}, fn), or decorate it "
        f"with @condition({name!r})."
    )
