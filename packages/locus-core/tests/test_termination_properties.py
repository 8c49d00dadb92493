"""Property tests: any composed condition survives repr/eval and to_dict/from_dict."""

from __future__ import annotations

import json
import time

from hypothesis import given
from hypothesis import strategies as st

import locus.core.termination as termination
from locus.core.messages import Message
from locus.core.state import AgentState, TokenUsage
from locus.core.termination import (
    ConfidenceMet,
    MaxIterations,
    NoToolCalls,
    TerminationCondition,
    TextMention,
    TimeLimit,
    TokenLimit,
    ToolCalled,
)

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
patterns = st.sampled_from([r"\bDONE\b", "it's done", "ends\\\\", "a|b", r"\d+ items", "\\n", "é"])

leaves = st.one_of(
    st.integers(1, 10_000).map(MaxIterations),
    st.integers(1, 10**7).map(TokenLimit),
    st.floats(0.001, 1e6, allow_nan=False).map(TimeLimit),
    st.just(NoToolCalls()),
    st.builds(
        ToolCalled,
        names,
        st.none() | st.dictionaries(names, st.integers() | names | st.booleans(), max_size=3),
    ),
    st.floats(0, 1, allow_nan=False).map(ConfidenceMet),
    st.builds(TextMention, patterns, st.booleans()),
)

conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda p: p[0] | p[1]),
        st.tuples(inner, inner).map(lambda p: p[0] & p[1]),
    ),
    max_leaves=8,
)


@given(conditions)
def test_repr_round_trips(cond: TerminationCondition) -> None:
    rebuilt = eval(repr(cond), vars(termination))
    assert rebuilt == cond
    assert repr(rebuilt) == repr(cond)


@given(conditions)
def test_dict_round_trips_through_json(cond: TerminationCondition) -> None:
    data = json.loads(json.dumps(cond.to_dict()))
    assert TerminationCondition.from_dict(data) == cond


@given(conditions, st.integers(0, 50), st.floats(0, 1), st.integers(0, 10**6))
def test_rebuilt_condition_decides_the_same(
    cond: TerminationCondition, iteration: int, confidence: float, tokens: int
) -> None:
    state = AgentState(
        iteration=iteration,
        confidence=confidence,
        token_usage=TokenUsage(total_tokens=tokens),
        messages=[Message.assistant("3 items DONE")],
        started_at=time.time() - 1e7,  # every TimeLimit of the strategy has expired: no race
    )
    rebuilt = TerminationCondition.from_dict(cond.to_dict())
    assert (rebuilt.check(state) is None) == (cond.check(state) is None)
