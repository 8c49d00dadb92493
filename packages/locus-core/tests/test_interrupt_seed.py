"""Seed behaviour of the human-in-the-loop primitives in ``locus.core.interrupt``."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest

from locus.core.errors import LocusError
from locus.core.interrupt import (
    AutoApproveHandler,
    GraphInterrupted,
    InterruptException,
    InterruptHandler,
    InterruptState,
    InterruptValue,
    interrupt,
    interrupt_scope,
)


def test_interrupt_outside_a_run_raises_with_payload_and_metadata() -> None:
    with pytest.raises(InterruptException) as info:
        interrupt("Approve this action?", urgency="high", deadline="2024-01-01")
    value = info.value.value
    assert isinstance(value, InterruptValue)
    assert value.payload == "Approve this action?"
    assert value.metadata == {"urgency": "high", "deadline": "2024-01-01"}
    assert value.node_id is None
    assert value.graph_id is None


def test_interrupt_structured_payload_is_kept_as_is() -> None:
    payload = {
        "type": "confirmation",
        "action": "delete_account",
        "account_id": "12345",
        "options": ["confirm", "cancel", "modify"],
    }
    with pytest.raises(InterruptException) as info:
        interrupt(payload)
    assert info.value.value.payload == payload
    assert info.value.value.metadata == {}


def test_interrupt_not_resuming_records_node_and_graph() -> None:
    with interrupt_scope("review", "g1"), pytest.raises(InterruptException) as info:
        interrupt({"question": "ship it?"})
    value = info.value.value
    assert value.node_id == "review"
    assert value.graph_id == "g1"
    assert value.payload == {"question": "ship it?"}


def test_interrupt_when_resuming_returns_the_resume_value() -> None:
    with interrupt_scope("review", resumes=["yes"]):
        assert interrupt("Approve?") == "yes"


def test_interrupt_resume_value_may_be_structured_or_falsy() -> None:
    answer = {"action": "modify", "changes": {"tone": "formal"}}
    with interrupt_scope("n", resumes=[answer]):
        assert interrupt("?") == answer
    with interrupt_scope("n", resumes=[None]):
        assert interrupt("?") is None


def test_resume_value_is_used_once_then_next_interrupt_pauses() -> None:
    with interrupt_scope("n", resumes=["first"]):
        assert interrupt("q1") == "first"
        with pytest.raises(InterruptException) as info:
            interrupt("q2")
    assert info.value.value.payload == "q2"


def test_interrupt_exception_message_names_the_interrupt() -> None:
    value = InterruptValue(payload="p")
    exc = InterruptException(value)
    assert isinstance(exc, Exception)
    assert exc.value is value
    assert str(exc) == f"Interrupt requested: {value.interrupt_id}"


def test_interrupt_value_defaults() -> None:
    a = InterruptValue(payload="x")
    b = InterruptValue(payload="x")
    assert a.interrupt_id
    assert b.interrupt_id
    assert a.interrupt_id != b.interrupt_id
    assert isinstance(a.created_at, datetime)
    assert a.node_id is None
    assert a.graph_id is None
    assert a.metadata == {}


def test_interrupt_value_to_display() -> None:
    value = InterruptValue(
        payload={"q": "ok?"}, node_id="n", graph_id="g", metadata={"trace": "t1"}
    )
    shown = value.to_display()
    assert shown == {
        "interrupt_id": value.interrupt_id,
        "payload": {"q": "ok?"},
        "node_id": "n",
        "graph_id": "g",
        "created_at": value.created_at.isoformat(),
        "metadata": {"trace": "t1"},
    }
    assert isinstance(shown["created_at"], str)
    assert datetime.fromisoformat(shown["created_at"]) == value.created_at


def test_interrupt_state_fields_and_defaults() -> None:
    value = InterruptValue(payload="p", node_id="n")
    state = InterruptState(interrupt=value, node_id="n")
    assert state.interrupt == value
    assert state.node_id == "n"
    assert state.pending_nodes == []
    assert state.partial_results == {}
    full = InterruptState(
        interrupt=value, node_id="n", pending_nodes=["a", "b"], partial_results={"a": {"x": 1}}
    )
    assert full.pending_nodes == ["a", "b"]
    assert full.partial_results == {"a": {"x": 1}}


def test_interrupt_state_round_trips_through_json() -> None:
    state = InterruptState(
        interrupt=InterruptValue(payload={"q": 1}, node_id="n", metadata={"m": 2}),
        node_id="n",
        pending_nodes=["b"],
        partial_results={"a": {"x": 1}},
    )
    assert InterruptState.model_validate_json(state.model_dump_json()) == state


def test_graph_interrupted_carries_state_and_checkpoint() -> None:
    value = InterruptValue(payload="p", node_id="approve")
    state = InterruptState(interrupt=value, node_id="approve")
    exc = GraphInterrupted(state, checkpoint_id="ck-1")
    assert isinstance(exc, Exception)
    assert isinstance(exc, LocusError)
    assert exc.interrupt_state is state
    assert exc.checkpoint_id == "ck-1"
    assert str(exc).startswith(f"Graph interrupted at node 'approve': {value.interrupt_id}")
    assert GraphInterrupted(state).checkpoint_id is None
    with pytest.raises(GraphInterrupted):
        raise exc


async def test_base_handler_requires_handle_and_can_handle_defaults_true() -> None:
    handler = InterruptHandler()
    value = InterruptValue(payload="p")
    assert await handler.can_handle(value) is True
    with pytest.raises(NotImplementedError):
        await handler.handle(value)


async def test_custom_handler_subclass() -> None:
    class Echo(InterruptHandler):
        async def handle(self, interrupt: InterruptValue) -> Any:
            return f"answer to {interrupt.payload}"

    value = InterruptValue(payload="q")
    assert await Echo().handle(value) == "answer to q"
    assert await Echo().can_handle(value) is True


async def test_auto_approve_handler_default_and_custom_response() -> None:
    value = InterruptValue(payload="Approve?")
    default = AutoApproveHandler()
    assert default.response == "approved"
    assert await default.handle(value) == "approved"
    assert await default.can_handle(value) is True
    custom = AutoApproveHandler({"decision": "yes"})
    assert await custom.handle(value) == {"decision": "yes"}
    assert await custom.can_handle(InterruptValue(payload={"anything": 1})) is True
    assert isinstance(custom, InterruptHandler)


async def test_handle_methods_are_coroutines() -> None:
    handler = AutoApproveHandler()
    coro = handler.handle(InterruptValue())
    assert asyncio.iscoroutine(coro)
    assert await coro == "approved"
