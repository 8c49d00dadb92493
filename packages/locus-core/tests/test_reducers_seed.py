"""Seed behaviour of state reducers in ``locus.core.reducers``."""

from __future__ import annotations

import copy
from typing import Annotated, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locus.core.errors import ValidationError
from locus.core.messages import Message
from locus.core.reducers import (
    Reducer,
    add_messages,
    add_numbers,
    append_list,
    apply_reducers,
    create_reducer,
    deep_merge_dict,
    first_value,
    get_reducer,
    last_value,
    max_value,
    merge_dict,
    min_value,
    reducer,
    set_union,
    unique_append_list,
)

ints = st.integers(min_value=-(10**6), max_value=10**6)
int_lists = st.lists(ints, max_size=8)
int_sets = st.sets(ints, max_size=8)
flat_dicts = st.dictionaries(st.sampled_from("abcdef"), ints, max_size=5)
nested_dicts = st.recursive(
    flat_dicts,
    lambda inner: st.dictionaries(st.sampled_from("abcdef"), inner | ints, max_size=4),
    max_leaves=12,
)

BUILTINS = [
    add_messages,
    merge_dict,
    deep_merge_dict,
    append_list,
    unique_append_list,
    add_numbers,
    max_value,
    min_value,
    last_value,
    first_value,
    set_union,
]


# --- Reducer / reducer / create_reducer -------------------------------------


def test_builtins_are_two_argument_callables() -> None:
    for fn in BUILTINS:
        assert callable(fn)
    r: Reducer[int] = add_numbers
    assert r(1, 2) == 3


def test_reducer_decorator_wraps_a_function() -> None:
    @reducer
    def longest(current: str, update: str) -> str:
        return update if len(update) > len(current) else current

    assert callable(longest)
    assert longest("abc", "de") == "abc"
    assert longest("a", "de") == "de"


def test_create_reducer_from_lambda() -> None:
    concat = create_reducer(lambda a, b: a + b)
    assert concat("x", "y") == "xy"
    assert apply_reducers({"s": "x"}, {"s": "y"}, {"s": concat}) == {"s": "xy"}


def test_create_reducer_rejects_non_callable() -> None:
    with pytest.raises(ValidationError):
        create_reducer(42)  # type: ignore[arg-type]


# --- get_reducer --------------------------------------------------------------


def test_get_reducer_from_annotated_hint() -> None:
    assert get_reducer(Annotated[list, add_messages]) is add_messages
    assert get_reducer(Annotated[int, add_numbers]) is add_numbers
    custom = create_reducer(lambda a, b: b)
    assert get_reducer(Annotated[str, custom]) is custom


def test_get_reducer_result_reduces() -> None:
    found = get_reducer(Annotated[list[int], append_list])
    assert found is not None
    assert found([1], [2]) == [1, 2]


@pytest.mark.parametrize("hint", [int, list, list[int], dict[str, int], str | None, None, Any])
def test_get_reducer_plain_hints_have_none(hint: Any) -> None:
    assert get_reducer(hint) is None


def test_get_reducer_annotated_without_callable_is_none() -> None:
    assert get_reducer(Annotated[int, "just documentation"]) is None


# --- apply_reducers -----------------------------------------------------------


def test_apply_reducers_seed_example() -> None:
    m1, m2 = Message.user("hi"), Message.assistant("hello")
    current = {"messages": [m1], "count": 1}
    update = {"messages": [m2], "count": 5}
    result = apply_reducers(current, update, {"messages": add_messages})
    assert list(result["messages"]) == [m1, m2]
    assert result["count"] == 5


def test_apply_reducers_key_missing_from_current_takes_update_as_is() -> None:
    calls: list[Any] = []

    def spy(a: Any, b: Any) -> Any:
        calls.append((a, b))
        return a + b

    result = apply_reducers({}, {"items": [1]}, {"items": create_reducer(spy)})
    assert result == {"items": [1]}
    assert calls == []


def test_apply_reducers_keeps_untouched_keys_and_does_not_mutate() -> None:
    current = {"items": [1], "total": 1, "other": "keep"}
    update = {"items": [2], "total": 2, "new": True}
    before_current, before_update = copy.deepcopy(current), copy.deepcopy(update)
    result = apply_reducers(current, update, {"items": append_list, "total": add_numbers})
    assert result == {"items": [1, 2], "total": 3, "other": "keep", "new": True}
    assert current == before_current
    assert update == before_update
    assert result is not current


def test_apply_reducers_unused_reducer_is_ignored() -> None:
    assert apply_reducers({"a": 1}, {}, {"a": add_numbers}) == {"a": 1}


@given(current=flat_dicts, update=flat_dicts)
def test_apply_reducers_without_reducers_is_last_write_wins(
    current: dict[str, int], update: dict[str, int]
) -> None:
    assert apply_reducers(current, update, {}) == {**current, **update}


# --- add_messages -------------------------------------------------------------


def test_add_messages_appends_in_order() -> None:
    a, b, c = Message.user("a"), Message.assistant("b"), Message.user("c")
    assert list(add_messages([a], [b, c])) == [a, b, c]


def test_add_messages_tuple_state_stays_tuple() -> None:
    a, b = Message.user("a"), Message.assistant("b")
    merged = add_messages((a,), (b,))
    assert merged == (a, b)
    assert isinstance(merged, tuple)


def test_add_messages_empty_and_none_current() -> None:
    a = Message.user("a")
    assert list(add_messages([], [a])) == [a]
    assert list(add_messages(None, [a])) == [a]
    assert list(add_messages([a], [])) == [a]


def test_add_messages_does_not_mutate_inputs() -> None:
    a, b = Message.user("a"), Message.assistant("b")
    current, update = [a], [b]
    add_messages(current, update)
    assert current == [a]
    assert update == [b]


# --- dict reducers -------------------------------------------------------------


def test_merge_dict_update_overrides_shallowly() -> None:
    assert merge_dict({"a": 1, "n": {"x": 1}}, {"b": 2, "n": {"y": 2}}) == {
        "a": 1,
        "b": 2,
        "n": {"y": 2},
    }


def test_merge_dict_none_and_empty() -> None:
    assert merge_dict(None, {"a": 1}) == {"a": 1}
    assert merge_dict({}, {"a": 1}) == {"a": 1}
    assert merge_dict({"a": 1}, {}) == {"a": 1}


@given(a=flat_dicts, b=flat_dicts)
def test_merge_dict_matches_unpacking_and_does_not_mutate(
    a: dict[str, int], b: dict[str, int]
) -> None:
    a0, b0 = dict(a), dict(b)
    assert merge_dict(a, b) == {**a, **b}
    assert a == a0
    assert b == b0


@given(a=flat_dicts, b=flat_dicts, c=flat_dicts)
def test_merge_dict_is_associative(a: dict[str, int], b: dict[str, int], c: dict[str, int]) -> None:
    assert merge_dict(merge_dict(a, b), c) == merge_dict(a, merge_dict(b, c))


def test_deep_merge_dict_merges_nested_dicts() -> None:
    current = {"cfg": {"model": "a", "opts": {"t": 0.1, "k": 5}}, "x": 1}
    update = {"cfg": {"opts": {"t": 0.9}, "extra": True}, "y": 2}
    assert deep_merge_dict(current, update) == {
        "cfg": {"model": "a", "opts": {"t": 0.9, "k": 5}, "extra": True},
        "x": 1,
        "y": 2,
    }


def test_deep_merge_dict_non_dict_replaces() -> None:
    assert deep_merge_dict({"a": {"b": 1}}, {"a": 5}) == {"a": 5}
    assert deep_merge_dict({"a": 5}, {"a": {"b": 1}}) == {"a": {"b": 1}}


def test_deep_merge_dict_none_and_empty() -> None:
    assert deep_merge_dict(None, {"a": {"b": 1}}) == {"a": {"b": 1}}
    assert deep_merge_dict({"a": {"b": 1}}, {}) == {"a": {"b": 1}}


@given(a=nested_dicts, b=nested_dicts)
def test_deep_merge_dict_does_not_mutate(a: dict[str, Any], b: dict[str, Any]) -> None:
    a0, b0 = copy.deepcopy(a), copy.deepcopy(b)
    deep_merge_dict(a, b)
    assert a == a0
    assert b == b0


# Associativity holds when a key never switches between a dict and a scalar.
shaped_dicts = st.fixed_dictionaries(
    {},
    optional={
        "n": ints,
        "m": st.fixed_dictionaries({}, optional={"x": ints, "y": flat_dicts}),
        "o": flat_dicts,
    },
)


@given(a=shaped_dicts, b=shaped_dicts, c=shaped_dicts)
def test_deep_merge_dict_is_associative_for_consistent_shapes(
    a: dict[str, Any], b: dict[str, Any], c: dict[str, Any]
) -> None:
    assert deep_merge_dict(deep_merge_dict(a, b), c) == deep_merge_dict(a, deep_merge_dict(b, c))


# --- list reducers -------------------------------------------------------------


def test_append_list_concatenates() -> None:
    assert append_list([1, 2], [3]) == [1, 2, 3]
    assert append_list([1], [1]) == [1, 1]


def test_append_list_none_and_empty() -> None:
    assert append_list(None, [1]) == [1]
    assert append_list([], [1]) == [1]
    assert append_list([1], []) == [1]


@given(a=int_lists, b=int_lists)
def test_append_list_is_concatenation_and_does_not_mutate(a: list[int], b: list[int]) -> None:
    a0, b0 = list(a), list(b)
    out = append_list(a, b)
    assert out == a0 + b0
    assert a == a0
    assert b == b0
    assert out is not a


@given(a=int_lists, b=int_lists, c=int_lists)
def test_append_list_is_associative(a: list[int], b: list[int], c: list[int]) -> None:
    assert append_list(append_list(a, b), c) == append_list(a, append_list(b, c))


def test_unique_append_list_skips_existing_and_keeps_order() -> None:
    assert unique_append_list([1, 2], [2, 3, 1, 4]) == [1, 2, 3, 4]
    assert unique_append_list(["a"], ["b", "b"]) == ["a", "b"]


def test_unique_append_list_none_and_empty() -> None:
    assert unique_append_list(None, [1, 1, 2]) == [1, 2]
    assert unique_append_list([], [3]) == [3]
    assert unique_append_list([1], []) == [1]


@given(a=st.lists(ints, unique=True, max_size=8), b=int_lists)
def test_unique_append_list_properties(a: list[int], b: list[int]) -> None:
    a0, b0 = list(a), list(b)
    out = unique_append_list(a, b)
    assert out[: len(a0)] == a0
    assert len(out) == len(set(out))
    assert set(out) == set(a0) | set(b0)
    assert a == a0
    assert b == b0


@given(
    a=st.lists(ints, unique=True, max_size=8),
    b=int_lists,
    c=int_lists,
)
def test_unique_append_list_is_associative_on_unique_current(
    a: list[int], b: list[int], c: list[int]
) -> None:
    left = unique_append_list(unique_append_list(a, b), c)
    right = unique_append_list(a, unique_append_list(b, c))
    assert left == right


# --- scalar reducers ------------------------------------------------------------


def test_add_numbers() -> None:
    assert add_numbers(1, 2) == 3
    assert add_numbers(1.5, 2) == 3.5
    assert add_numbers(None, 4) == 4
    assert add_numbers(0, 0) == 0


@given(a=ints, b=ints, c=ints)
def test_add_numbers_is_associative_and_commutative(a: int, b: int, c: int) -> None:
    assert add_numbers(add_numbers(a, b), c) == add_numbers(a, add_numbers(b, c))
    assert add_numbers(a, b) == add_numbers(b, a)


def test_max_and_min_value() -> None:
    assert max_value(3, 7) == 7
    assert max_value(7, 3) == 7
    assert min_value(3, 7) == 3
    assert min_value(7, 3) == 3
    assert max_value("a", "b") == "b"


def test_max_and_min_value_with_none_current() -> None:
    assert max_value(None, 5) == 5
    assert min_value(None, 5) == 5
    assert max_value(None, -5) == -5
    assert min_value(None, -5) == -5


@given(a=ints, b=ints, c=ints)
def test_max_min_are_associative_and_commutative(a: int, b: int, c: int) -> None:
    for fn, ref in ((max_value, max), (min_value, min)):
        assert fn(a, b) == ref(a, b)
        assert fn(a, b) == fn(b, a)
        assert fn(fn(a, b), c) == fn(a, fn(b, c))


def test_last_value_keeps_update() -> None:
    assert last_value(1, 2) == 2
    assert last_value(None, "x") == "x"
    assert last_value("x", None) is None


def test_first_value_keeps_first_non_none() -> None:
    assert first_value(1, 2) == 1
    assert first_value(None, 2) == 2
    assert first_value(0, 2) == 0
    assert first_value("", "x") == ""


@given(a=ints, b=ints, c=ints)
def test_first_and_last_value_are_associative(a: int, b: int, c: int) -> None:
    assert last_value(last_value(a, b), c) == last_value(a, last_value(b, c)) == c
    assert first_value(first_value(a, b), c) == first_value(a, first_value(b, c)) == a


def test_first_value_via_apply_reducers_keeps_first_write() -> None:
    state: dict[str, Any] = {}
    for value in ("one", "two", "three"):
        state = apply_reducers(state, {"v": value}, {"v": first_value})
    assert state == {"v": "one"}


# --- set_union ------------------------------------------------------------------


def test_set_union() -> None:
    assert set_union({1, 2}, {2, 3}) == {1, 2, 3}
    assert set_union(None, {1}) == {1}
    assert set_union(set(), {1}) == {1}
    assert set_union({1}, set()) == {1}


@given(a=int_sets, b=int_sets)
def test_set_union_is_commutative_and_does_not_mutate(a: set[int], b: set[int]) -> None:
    a0, b0 = set(a), set(b)
    assert set_union(a, b) == set_union(b, a) == a0 | b0
    assert a == a0
    assert b == b0


@given(a=int_sets, b=int_sets, c=int_sets)
def test_set_union_is_associative(a: set[int], b: set[int], c: set[int]) -> None:
    assert set_union(set_union(a, b), c) == set_union(a, set_union(b, c))


@given(a=int_sets)
def test_set_union_is_idempotent(a: set[int]) -> None:
    assert set_union(a, a) == a
