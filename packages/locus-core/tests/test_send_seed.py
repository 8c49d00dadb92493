"""Seed behaviour of the map-reduce fan-out primitives in ``locus.core.send``."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from locus.core.send import (
    Send,
    SendBatch,
    SendResult,
    aggregate_send_results,
    broadcast,
    extract_send_results,
    is_send,
    is_send_list,
    normalize_sends,
    scatter,
    send,
)


def test_send_positional_and_keyword_forms() -> None:
    a = Send("worker", {"task": "process_data"})
    b = Send(node="worker", payload={"task": "process_data"})
    for s in (a, b):
        assert s.node == "worker"
        assert s.payload == {"task": "process_data"}
        assert s.metadata == {}


def test_send_with_tracking_metadata() -> None:
    s = Send(
        node="analyzer", payload={"data": [1]}, metadata={"chunk_index": 0, "total_chunks": 10}
    )
    assert s.metadata == {"chunk_index": 0, "total_chunks": 10}


def test_send_ids_are_unique() -> None:
    ids = {Send("n", {}).send_id for _ in range(50)}
    assert len(ids) == 50
    assert all(ids)


def test_send_payload_defaults_to_empty_dict() -> None:
    assert Send("n").payload == {}


def test_with_payload_merges_and_returns_new_send() -> None:
    s = Send("n", {"a": 1, "b": 2}, metadata={"m": 1})
    new = s.with_payload(b=3, c=4)
    assert new.payload == {"a": 1, "b": 3, "c": 4}
    assert new.node == "n"
    assert new.metadata == {"m": 1}
    assert s.payload == {"a": 1, "b": 2}


def test_with_metadata_merges_and_returns_new_send() -> None:
    s = Send("n", {"a": 1}, metadata={"m": 1})
    new = s.with_metadata(m=2, k="v")
    assert new.metadata == {"m": 2, "k": "v"}
    assert new.payload == {"a": 1}
    assert s.metadata == {"m": 1}


def test_send_batch_target_nodes_count_and_grouping() -> None:
    s1, s2, s3, s4 = Send("a", {"i": 1}), Send("b", {"i": 2}), Send("a", {"i": 3}), Send("c")
    batch = SendBatch(sends=[s1, s2, s3, s4], source_node="fan", aggregator_node="join")
    assert batch.count == 4
    assert sorted(batch.target_nodes) == ["a", "b", "c"]
    assert len(batch.target_nodes) == len(set(batch.target_nodes))
    groups = batch.group_by_node()
    assert groups == {"a": [s1, s3], "b": [s2], "c": [s4]}
    assert batch.source_node == "fan"
    assert batch.aggregator_node == "join"


def test_empty_send_batch() -> None:
    batch = SendBatch(sends=[], source_node="x")
    assert batch.count == 0
    assert batch.target_nodes == []
    assert batch.group_by_node() == {}
    assert batch.aggregator_node is None


def test_send_result_fields_and_defaults() -> None:
    ok = SendResult(send_id="s1", node="worker", result={"data": 1}, duration_ms=1.5)
    assert ok.success is True
    assert ok.error is None
    assert ok.duration_ms == 1.5
    failed = SendResult(send_id="s2", node="worker", success=False, error="boom")
    assert failed.result is None
    assert failed.error == "boom"


def test_send_helper_uses_keywords_as_payload() -> None:
    s = send("worker", task="process", data=[1, 2, 3])
    assert isinstance(s, Send)
    assert s.node == "worker"
    assert s.payload == {"task": "process", "data": [1, 2, 3]}
    assert send("worker").payload == {}


def test_broadcast_same_payload_to_each_node() -> None:
    sends = broadcast(["worker1", "worker2", "worker3"], {"task": "x"})
    assert [s.node for s in sends] == ["worker1", "worker2", "worker3"]
    assert all(s.payload == {"task": "x"} for s in sends)
    assert len({s.send_id for s in sends}) == 3


def test_broadcast_without_payload_and_to_no_nodes() -> None:
    assert [s.payload for s in broadcast(["a", "b"])] == [{}, {}]
    assert broadcast([], {"k": 1}) == []


def test_scatter_defaults_include_item_index_and_total() -> None:
    sends = scatter("processor", ["d1", "d2", "d3"])
    assert [s.node for s in sends] == ["processor"] * 3
    assert [s.payload for s in sends] == [
        {"item": "d1", "index": 0, "total": 3},
        {"item": "d2", "index": 1, "total": 3},
        {"item": "d3", "index": 2, "total": 3},
    ]


def test_scatter_custom_key_and_without_index() -> None:
    assert [s.payload for s in scatter("p", [1, 2], key="chunk")] == [
        {"chunk": 1, "index": 0, "total": 2},
        {"chunk": 2, "index": 1, "total": 2},
    ]
    assert [s.payload for s in scatter("p", [1, 2], key="chunk", include_index=False)] == [
        {"chunk": 1},
        {"chunk": 2},
    ]


def test_scatter_no_items() -> None:
    assert scatter("p", []) == []


@given(st.lists(st.integers(), max_size=20))
def test_scatter_one_send_per_item_in_order(items: list[int]) -> None:
    sends = scatter("p", items)
    assert [s.payload["item"] for s in sends] == items
    assert [s.payload["index"] for s in sends] == list(range(len(items)))
    assert all(s.payload["total"] == len(items) for s in sends)


def test_is_send() -> None:
    assert is_send(Send("n"))
    assert is_send(send("n"))
    for value in (None, "n", {"node": "n"}, [Send("n")], Send):
        assert not is_send(value)


def test_is_send_list() -> None:
    assert is_send_list([Send("a"), Send("b")])
    assert is_send_list([Send("a")])
    assert not is_send_list(Send("a"))
    assert not is_send_list([Send("a"), "b"])
    assert not is_send_list((Send("a"),))
    assert not is_send_list({"result": 1})
    assert not is_send_list(None)


def test_normalize_sends() -> None:
    single = Send("node", {})
    assert normalize_sends(single) == [single]
    pair = [Send("a", {}), Send("b", {})]
    assert normalize_sends(pair) == pair
    assert normalize_sends({"result": 1}) is None
    assert normalize_sends(None) is None
    assert normalize_sends("node") is None
    assert normalize_sends([Send("a"), {"x": 1}]) is None


def _results() -> list[SendResult]:
    return [
        SendResult(send_id="s1", node="w", result={"data": 1}),
        SendResult(send_id="s2", node="w", success=False, error="boom", result={"data": 2}),
        SendResult(send_id="s3", node="w", result={"data": 3}),
    ]


def test_extract_send_results_maps_successful_ids_to_results() -> None:
    assert extract_send_results(_results()) == {"s1": {"data": 1}, "s3": {"data": 3}}
    assert extract_send_results([]) == {}


def test_aggregate_without_reducer_collects_successful_results_in_order() -> None:
    assert aggregate_send_results(_results()) == [{"data": 1}, {"data": 3}]


def test_aggregate_with_reducer_folds_left() -> None:
    merged = aggregate_send_results(_results(), reducer=lambda a, b: {**a, **b})
    assert merged == {"data": 3}
    calls: list[tuple[Any, Any]] = []

    def record(a: Any, b: Any) -> Any:
        calls.append((a, b))
        return a + b

    results = [SendResult(send_id=f"s{i}", node="w", result=i) for i in (1, 2, 3)]
    assert aggregate_send_results(results, reducer=record) == 6
    assert calls == [(1, 2), (3, 3)]


def test_aggregate_single_result_with_reducer_is_that_result() -> None:
    results = [SendResult(send_id="s", node="w", result=[1])]
    assert aggregate_send_results(results, reducer=lambda a, b: pytest.fail("not called")) == [1]


def test_aggregate_empty_input() -> None:
    assert aggregate_send_results([]) == []
    assert aggregate_send_results([], reducer=lambda a, b: a + b) is None
    failed_only = [SendResult(send_id="s", node="w", success=False, error="x")]
    assert aggregate_send_results(failed_only) == []
    assert aggregate_send_results(failed_only, reducer=lambda a, b: a + b) is None


@given(st.lists(st.integers(), max_size=15))
def test_aggregate_with_sum_reducer_equals_sum(values: list[int]) -> None:
    results = [SendResult(send_id=str(i), node="w", result=v) for i, v in enumerate(values)]
    total = aggregate_send_results(results, reducer=lambda a, b: a + b)
    assert total == (sum(values) if values else None)


def test_an_empty_list_is_a_list_of_sends_as_the_seed_documents() -> None:
    from locus.core.send import is_send_list, normalize_sends

    assert is_send_list([]) is True
    assert normalize_sends([]) == []
    assert is_send_list([Send("a", {}), "not a send"]) is False
