"""Seed behaviour of the control-flow primitives in ``locus.core.command``."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

from locus.core.command import (
    Command,
    Continue,
    End,
    end,
    goto,
    is_command,
    normalize_node_output,
    resume_with,
)

names = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
updates = st.dictionaries(names, st.integers(), max_size=4)


def test_default_command_is_empty() -> None:
    cmd = Command()
    assert cmd.update == {}
    assert cmd.goto is None
    assert cmd.resume is None
    assert cmd.graph is None
    assert not cmd.has_update
    assert not cmd.has_goto
    assert not cmd.has_resume
    assert not cmd.is_parallel_goto
    assert cmd.goto_nodes == []


def test_simple_routing() -> None:
    cmd = Command(goto="next_node")
    assert cmd.has_goto
    assert not cmd.is_parallel_goto
    assert cmd.goto_nodes == ["next_node"]
    assert not cmd.has_update


def test_state_update_with_routing() -> None:
    cmd = Command(update={"processed": True, "result": 42}, goto="output_node")
    assert cmd.has_update
    assert cmd.update == {"processed": True, "result": 42}
    assert cmd.goto_nodes == ["output_node"]


def test_parallel_fan_out() -> None:
    cmd = Command(goto=["worker_1", "worker_2", "worker_3"])
    assert cmd.has_goto
    assert cmd.is_parallel_goto
    assert cmd.goto_nodes == ["worker_1", "worker_2", "worker_3"]


def test_single_element_goto_list_is_not_parallel() -> None:
    cmd = Command(goto=["only"])
    assert not cmd.is_parallel_goto
    assert cmd.goto_nodes == ["only"]


def test_empty_goto_list_is_no_routing() -> None:
    assert not Command(goto=[]).has_goto


def test_resume_from_interrupt() -> None:
    cmd = Command(resume="approved")
    assert cmd.has_resume
    assert cmd.resume == "approved"
    assert not cmd.has_goto
    assert not cmd.has_update


def test_subgraph_routing_target() -> None:
    assert Command(graph="parent", goto="x").graph == "parent"


def test_command_is_immutable() -> None:
    cmd = Command(goto="a")
    with pytest.raises(pydantic.ValidationError):
        cmd.goto = "b"


@given(base=updates, extra=updates)
def test_with_update_merges_extra_over_existing_and_keeps_original(
    base: dict[str, int], extra: dict[str, int]
) -> None:
    cmd = Command(update=base, goto="n")
    before = dict(cmd.update)
    new = cmd.with_update(**extra)
    assert new.update == {**base, **extra}
    assert new.goto == "n"
    assert cmd.update == before
    assert new is not cmd


def test_with_goto_replaces_target_and_keeps_update() -> None:
    cmd = Command(update={"a": 1}, goto="x")
    new = cmd.with_goto(["y", "z"])
    assert new.goto == ["y", "z"]
    assert new.is_parallel_goto
    assert new.update == {"a": 1}
    assert cmd.goto == "x"


def test_end_and_continue_are_commands_with_the_same_api() -> None:
    fin = End(update={"final_result": "done"})
    cont = Continue(update={"processed": True})
    for cmd in (fin, cont):
        assert isinstance(cmd, Command)
        assert is_command(cmd)
        assert cmd.has_update
        assert not cmd.has_goto
        assert not cmd.has_resume
        assert cmd.goto_nodes == []
    assert fin.update == {"final_result": "done"}
    assert cont.update == {"processed": True}


def test_with_update_on_end_keeps_end_type() -> None:
    fin = End(update={"a": 1}).with_update(b=2)
    assert isinstance(fin, End)
    assert fin.update == {"a": 1, "b": 2}


def test_goto_helper_builds_routing_command() -> None:
    cmd = goto("next_node")
    assert type(cmd) is Command
    assert cmd.goto == "next_node"
    assert cmd.update == {}
    fan = goto(["worker_1", "worker_2"], task_id=123)
    assert fan.is_parallel_goto
    assert fan.goto_nodes == ["worker_1", "worker_2"]
    assert fan.update == {"task_id": 123}


def test_end_helper_builds_end_command() -> None:
    cmd = end(result="success", data=[1, 2])
    assert isinstance(cmd, End)
    assert cmd.update == {"result": "success", "data": [1, 2]}
    assert not cmd.has_goto
    assert isinstance(end(), End)
    assert end().update == {}


def test_resume_with_helper() -> None:
    cmd = resume_with("approved")
    assert cmd.resume == "approved"
    assert cmd.has_resume
    assert cmd.update == {}
    structured = resume_with({"action": "modify", "changes": {"tone": "formal"}}, note="x")
    assert structured.resume == {"action": "modify", "changes": {"tone": "formal"}}
    assert structured.update == {"note": "x"}
    assert not structured.has_goto


@pytest.mark.parametrize(
    "value",
    [None, "goto", {"goto": "x"}, 1, ["a"], Command, End],
)
def test_is_command_rejects_non_instances(value: Any) -> None:
    assert not is_command(value)


def test_is_command_accepts_all_command_kinds() -> None:
    assert is_command(Command())
    assert is_command(End())
    assert is_command(Continue())
    assert is_command(goto("x"))


def test_normalize_none() -> None:
    assert normalize_node_output(None) == ({}, None)


def test_normalize_dict_is_update_without_routing() -> None:
    assert normalize_node_output({"x": 1, "y": [2]}) == ({"x": 1, "y": [2]}, None)


def test_normalize_command_extracts_update_and_returns_command() -> None:
    cmd = Command(update={"a": 1}, goto="b")
    update, command = normalize_node_output(cmd)
    assert update == {"a": 1}
    assert command is cmd


def test_normalize_command_update_is_a_copy() -> None:
    cmd = Command(update={"a": 1})
    update, _ = normalize_node_output(cmd)
    update["b"] = 2
    assert cmd.update == {"a": 1}


def test_normalize_end_keeps_end_type() -> None:
    update, command = normalize_node_output(end(result="ok"))
    assert update == {"result": "ok"}
    assert isinstance(command, End)


def test_normalize_pydantic_model_is_its_fields() -> None:
    class Out(BaseModel):
        answer: str
        score: float | None = None

    assert normalize_node_output(Out(answer="x")) == ({"answer": "x", "score": None}, None)


@pytest.mark.parametrize("value", [42, "text", [1, 2], (1,), 0, "", False])
def test_normalize_other_values_are_wrapped_as_result(value: Any) -> None:
    assert normalize_node_output(value) == ({"result": value}, None)
