"""Termination conditions: checks with observed values, algebra, repr and dict round trips."""

from __future__ import annotations

import json
import time

import pytest

import locus.core.termination as termination
from locus.core.errors import TerminationError, ValidationError
from locus.core.messages import Message, ToolCall
from locus.core.state import AgentState, TokenUsage, ToolExecution
from locus.core.termination import (
    AllOf,
    AnyOf,
    ConfidenceMet,
    CustomCondition,
    MaxIterations,
    NoToolCalls,
    TerminationCondition,
    TextMention,
    TimeLimit,
    TokenLimit,
    ToolCalled,
    condition,
    register_condition,
)

SEED = (ToolCalled("submit_po") & ConfidenceMet(0.9)) | TextMention(r"\bDONE\b") | MaxIterations(15)


def ran(state: AgentState, name: str, *, run_id: str | None = None, **kw: object) -> AgentState:
    state.tool_executions.append(
        ToolExecution(
            tool_call_id=f"c{len(state.tool_executions)}",
            name=name,
            run_id=state.run_id if run_id is None else run_id,
            **kw,  # type: ignore[arg-type]
        )
    )
    return state


def test_seed_and_condition_reports_observed_values() -> None:
    state = ran(AgentState(confidence=0.92), "submit_po")
    assert SEED.check(state) == "ToolCalled('submit_po') and ConfidenceMet(0.92)"


def test_and_needs_every_branch() -> None:
    state = ran(AgentState(confidence=0.5), "submit_po")
    assert (ToolCalled("submit_po") & ConfidenceMet(0.9)).check(state) is None
    assert SEED.check(state) is None


def test_or_reports_first_branch_that_fired() -> None:
    state = AgentState(iteration=15, messages=[Message.assistant("All DONE.")])
    assert SEED.check(state) == r"TextMention(r'\bDONE\b')"
    state.messages.append(Message.assistant("still working"))
    assert SEED.check(state) == "MaxIterations(15)"


def test_max_iterations_and_token_limit() -> None:
    assert MaxIterations(3).check(AgentState(iteration=2)) is None
    assert MaxIterations(3).check(AgentState(iteration=4)) == "MaxIterations(4)"
    usage = TokenUsage(total_tokens=1200)
    assert TokenLimit(1000).check(AgentState(token_usage=usage)) == "TokenLimit(1200)"
    assert TokenLimit(5000).check(AgentState(token_usage=usage)) is None


def test_time_limit_uses_run_start() -> None:
    assert TimeLimit(60).check(AgentState()) is None
    reason = TimeLimit(60).check(AgentState(started_at=time.time() - 120))
    assert reason is not None
    assert reason.startswith("TimeLimit(12")


def test_no_tool_calls_looks_at_last_assistant_turn() -> None:
    calling = Message.assistant(None, [ToolCall(name="get_metric", arguments={"name": "p99"})])
    assert NoToolCalls().check(AgentState(messages=[Message.user("hi"), calling])) is None
    assert NoToolCalls().check(AgentState(messages=[Message.user("hi")])) is None
    done = AgentState(messages=[Message.user("hi"), Message.assistant("fine")])
    assert NoToolCalls().check(done) == "NoToolCalls()"


def test_tool_called_counts_only_successful_calls_of_this_run() -> None:
    cond = ToolCalled("page_oncall")
    assert cond.check(ran(AgentState(), "page_oncall", run_id="earlier-run")) is None
    assert cond.check(ran(AgentState(), "page_oncall", error="boom")) is None
    assert cond.check(ran(AgentState(), "page_oncall", in_doubt=True)) is None
    assert cond.check(ran(AgentState(), "page_oncall", cached=True)) == "ToolCalled('page_oncall')"


def test_tool_called_with_args_subset() -> None:
    cond = ToolCalled("submit_po", {"vendor": "acme"})
    assert cond.check(ran(AgentState(), "submit_po", arguments={"vendor": "other"})) is None
    state = ran(AgentState(), "submit_po", arguments={"vendor": "acme", "qty": 3})
    assert cond.check(state) == "ToolCalled('submit_po', {'vendor': 'acme'})"


def test_confidence_met_needs_a_confidence() -> None:
    assert ConfidenceMet(0.8).check(AgentState()) is None
    assert ConfidenceMet(0.8).check(AgentState(confidence=0.79)) is None
    assert ConfidenceMet(0.8).check(AgentState(confidence=0.8)) == "ConfidenceMet(0.8)"


def test_text_mention_searches_last_assistant_message() -> None:
    cond = TextMention("approved", ignore_case=True)
    state = AgentState(messages=[Message.assistant("APPROVED"), Message.user("thanks")])
    assert cond.check(state) == "TextMention('approved', ignore_case=True)"
    state.messages.append(Message.assistant("pending"))
    assert cond.check(state) is None
    assert (
        TextMention(r"\bDONE\b").check(AgentState(messages=[Message.assistant("UNDONE")])) is None
    )


def test_operators_flatten_same_kind() -> None:
    a, b, c = MaxIterations(1), MaxIterations(2), MaxIterations(3)
    assert (a | b | c).conditions == (a, b, c)  # type: ignore[attr-defined]
    assert ((a | b) | (c | a)).conditions == (a, b, c, a)  # type: ignore[attr-defined]
    assert (a & b & c).conditions == (a, b, c)  # type: ignore[attr-defined]
    mixed = a | b & c
    assert isinstance(mixed, AnyOf)
    assert mixed.conditions == (a, AllOf(b, c))


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        (MaxIterations(15), "MaxIterations(15)"),
        (TextMention(r"\bDONE\b"), r"TextMention(r'\bDONE\b')"),
        (TextMention("it's done"), """TextMention("it's done")"""),
        (TextMention("ends\\\\"), r"TextMention(r'ends\\')"),
        (TimeLimit(2.5), "TimeLimit(2.5)"),
        (NoToolCalls(), "NoToolCalls()"),
        (
            SEED,
            r"(ToolCalled('submit_po') & ConfidenceMet(0.9)) | TextMention(r'\bDONE\b') "
            "| MaxIterations(15)",
        ),
        ((MaxIterations(2) | TokenLimit(9)) & NoToolCalls(), None),
        (ToolCalled("x", {"a": [1, 2]}) | TimeLimit(3), None),
        (AnyOf(MaxIterations(1)), "AnyOf(MaxIterations(1))"),
    ],
)
def test_repr_round_trips(cond: TerminationCondition, expected: str | None) -> None:
    if expected is not None:
        assert repr(cond) == expected
    rebuilt = eval(repr(cond), vars(termination))
    assert rebuilt == cond
    assert hash(rebuilt) == hash(cond)


def test_to_dict_is_json_and_round_trips() -> None:
    data = json.loads(json.dumps(SEED.to_dict()))
    assert data["type"] == "any"
    assert data["version"] == 1
    assert TerminationCondition.from_dict(data) == SEED


def test_equality_is_by_value() -> None:
    assert MaxIterations(3) == MaxIterations(3)
    assert MaxIterations(3) != MaxIterations(4)
    assert MaxIterations(3) != TokenLimit(3)
    assert len({MaxIterations(3), MaxIterations(3), NoToolCalls()}) == 2


def test_custom_condition_by_registered_name() -> None:
    @condition("needs_human")
    def needs_human(state: AgentState) -> bool:
        return state.metadata.get("escalate", False) is True

    assert isinstance(needs_human, CustomCondition)
    cond = needs_human | MaxIterations(5)
    assert cond.check(AgentState(metadata={"escalate": True})) == "CustomCondition('needs_human')"
    assert TerminationCondition.from_dict(json.loads(json.dumps(cond.to_dict()))) == cond
    assert eval(repr(cond), vars(termination)) == cond


def test_custom_condition_may_return_its_own_reason() -> None:
    cond = register_condition("budget", lambda s: f"budget spent at {s.iteration}")
    assert cond.check(AgentState(iteration=3)) == "budget spent at 3"
    assert CustomCondition(lambda s: "").check(AgentState()) is None


def test_unregistered_custom_condition_cannot_serialise() -> None:
    cond = CustomCondition(lambda s: True, name="adhoc")
    with pytest.raises(TerminationError, match="register_condition"):
        cond.to_dict()
    with pytest.raises(TerminationError, match=r"@condition\('never_registered'\)"):
        TerminationCondition.from_dict({"type": "custom", "name": "never_registered"})


@pytest.mark.parametrize(
    "data",
    [
        {"type": "warp_drive"},
        {"n": 3},
        {"type": "max_iterations", "n": 3, "version": 99},
        {"type": "max_iterations", "limit": 3},
        {"type": "any", "conditions": "nope"},
    ],
)
def test_from_dict_rejects_bad_input(data: dict[str, object]) -> None:
    with pytest.raises(TerminationError):
        TerminationCondition.from_dict(data)


@pytest.mark.parametrize(
    "build",
    [
        lambda: MaxIterations(-1),
        lambda: MaxIterations(0),
        lambda: MaxIterations(2.5),
        lambda: MaxIterations(True),
        lambda: TokenLimit(0),
        lambda: TimeLimit(0),
        lambda: ConfidenceMet(1.5),
        lambda: TextMention("(unclosed"),
        lambda: TextMention(""),
        lambda: ToolCalled(""),
        lambda: AnyOf(),
        lambda: AllOf(MaxIterations(1), "nope"),
    ],
)
def test_invalid_arguments_raise_typed_errors(build: object) -> None:
    with pytest.raises(ValidationError) as info:
        build()  # type: ignore[operator]
    assert isinstance(info.value, TerminationError)
    assert info.value.kind == "termination"


def test_combining_with_non_condition_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        _ = MaxIterations(1) | 3  # type: ignore[operator]
