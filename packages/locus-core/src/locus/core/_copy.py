"""The state a new run starts from, at a cost that does not grow per message.

An agent without a checkpointer keeps its threads in memory; each run must
start from a copy, so the run cannot change the previous run's
``result.state`` nor what a rollback restores. ``model_copy(deep=True)`` pays
:func:`copy.deepcopy` over every field of every message: ~20 ms a run at
2,000 messages (measured with ``bench/bench_agent_turn.py``, which reports
the per-turn overhead at 100 and 2,000 messages). :func:`fork_state` copies
the history lists and shares their items, and deep-copies the rest with a
walker that shares immutable atoms and hands unknown objects to
:func:`copy.deepcopy` with one shared memo.
"""

from __future__ import annotations

import copy
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

if TYPE_CHECKING:
    from locus.core.state import AgentState

__all__ = ["fork_state"]

M = TypeVar("M", bound=BaseModel)

_ATOMS: frozenset[type] = frozenset({str, int, float, bool, type(None), bytes, complex})


def fork_state(state: AgentState) -> AgentState:
    """The state a new run of a thread starts from, independent of ``state``.

    The history lists (``messages``, ``tool_executions``) are new lists
    holding the same items (a pointer copy, not a deepcopy per message),
    which the loop only ever appends to or replaces, never edits in place;
    every other field (the idempotency ledger, metadata, usage...) is a deep
    copy. A run appending, removing, replacing messages or mutating its
    ledger leaves ``state`` untouched (``tests/test_state_copy.py``). A hook
    that wants to change an earlier message replaces it
    (``state.messages[i] = m.model_copy(update=...)``) rather than editing it.
    """
    history = {"messages", "tool_executions"}
    memo: dict[int, Any] = {}
    cls = type(state)
    new = cls.__new__(cls)
    values = {
        k: list(v) if k in history else _copy_value(v, memo) for k, v in state.__dict__.items()
    }
    object.__setattr__(new, "__dict__", values)
    object.__setattr__(new, "__pydantic_extra__", None)
    object.__setattr__(new, "__pydantic_fields_set__", set(state.__pydantic_fields_set__))
    private = state.__pydantic_private__
    object.__setattr__(
        new, "__pydantic_private__", None if private is None else copy.deepcopy(private, memo)
    )
    return new


def _copy_model(model: M, memo: dict[int, Any]) -> M:
    done = memo.get(id(model))
    if done is not None:
        return done  # type: ignore[no-any-return]
    cls = type(model)
    new = cls.__new__(cls)
    memo[id(model)] = new
    values = {k: _copy_value(v, memo) for k, v in model.__dict__.items()}
    object.__setattr__(new, "__dict__", values)
    extra = model.__pydantic_extra__
    private = model.__pydantic_private__
    object.__setattr__(
        new, "__pydantic_extra__", None if extra is None else _copy_value(extra, memo)
    )
    object.__setattr__(new, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    object.__setattr__(
        new, "__pydantic_private__", None if private is None else copy.deepcopy(private, memo)
    )
    return new


def _copy_value(value: Any, memo: dict[int, Any]) -> Any:
    kind = type(value)
    if kind in _ATOMS or isinstance(value, Enum):
        return value
    if isinstance(value, BaseModel):
        return _copy_model(value, memo)
    if kind is list:
        done = memo.get(id(value))
        if done is not None:
            return done
        out: list[Any] = []
        memo[id(value)] = out
        out.extend(_copy_value(item, memo) for item in value)
        return out
    if kind is dict:
        done = memo.get(id(value))
        if done is not None:
            return done
        new: dict[Any, Any] = {}
        memo[id(value)] = new
        for key, item in value.items():
            new[key] = _copy_value(item, memo)
        return new
    return copy.deepcopy(value, memo)
