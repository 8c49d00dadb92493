"""reduce_into: the in-place merge the graph executor and apply_reducers share."""

from __future__ import annotations

from locus.core.reducers import add_numbers, append_list, apply_reducers, reduce_into


def test_reduce_into_merges_in_place_like_apply_reducers() -> None:
    current = {"items": [1], "total": 2, "name": "a"}
    update = {"items": [2], "total": 3, "name": "b", "new": True}
    reducers = {"items": append_list, "total": add_numbers}
    expected = apply_reducers(current, update, reducers)
    reduce_into(current, update, reducers)
    assert current == expected == {"items": [1, 2], "total": 5, "name": "b", "new": True}


def test_reduce_into_key_missing_takes_update_as_is() -> None:
    values: dict[str, object] = {}
    reduce_into(values, {"items": [1]}, {"items": append_list})
    assert values == {"items": [1]}
