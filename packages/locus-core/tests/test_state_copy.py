"""A run of a thread kept in the agent starts from its own copy of the thread.

The copy (``fork_state``) shares the history's items instead of deep-copying
every message; these tests pin what a user relies on: a later run never
changes an earlier run's ``result.state``, and the copy is equal to, and
independent of, the state it was made from.
"""

from __future__ import annotations

from locus import Agent, tool
from locus.core._copy import fork_state
from locus.core.messages import Message, ToolCall
from locus.core.state import AgentState, IdempotencyRecord
from locus.models import ScriptedModel


def _agent() -> Agent:
    @tool(idempotent=True)
    def page_oncall(reason: str) -> str:
        """Page the on-call engineer."""
        return f"paged: {reason}"

    model = ScriptedModel(
        [
            [ToolCall(name="page_oncall", arguments={"reason": "p99 high"})],
            "paged.",
            [ToolCall(name="page_oncall", arguments={"reason": "disk full"})],
            "paged again.",
        ]
    )
    return Agent(model=model, tools=[page_oncall])


async def test_a_later_run_leaves_the_earlier_results_state_unchanged() -> None:
    agent = _agent()
    first = await agent.invoke("p99?", thread_id="t")
    assert first.state is not None
    before = first.state.model_dump()
    second = await agent.invoke("disk?", thread_id="t")
    assert second.state is not None
    assert first.state.model_dump() == before  # messages, ledger, usage, metadata
    assert len(second.state.messages) > len(first.state.messages)
    assert len(second.state.idempotency) == 2
    assert len(first.state.idempotency) == 1
    # and editing the later result's lists does not reach back either
    second.state.messages.clear()
    second.state.metadata["x"] = 1
    assert first.state.model_dump() == before


async def test_the_thread_continues_from_the_previous_run() -> None:
    agent = _agent()
    await agent.invoke("p99?", thread_id="t")
    second = await agent.invoke("disk?", thread_id="t")
    assert second.state is not None
    texts = [m.content for m in second.state.messages if m.content]
    assert texts[:3] == ["p99?", "paged: p99 high", "paged."]
    assert texts[-1] == "paged again."


def test_fork_is_equal_and_shares_no_mutable_container() -> None:
    state = AgentState(
        thread_id="t",
        messages=[Message.user("hi"), Message.assistant("yo")],
        idempotency={
            "k": IdempotencyRecord(key="k", tool_name="page", arguments_json="{}", status="pending")
        },
        metadata={"graph": {"path": ["a", "b"]}, "obj": {1, 2}},
        structured_output={"answer": [1, 2]},
    )
    state.token_usage.prompt_tokens = 3
    fork = fork_state(state)
    assert fork == state
    assert fork.model_fields_set == state.model_fields_set
    assert fork.messages is not state.messages
    assert fork.idempotency["k"] is not state.idempotency["k"]
    assert fork.metadata["graph"]["path"] is not state.metadata["graph"]["path"]
    assert fork.metadata["obj"] is not state.metadata["obj"]
    assert fork.structured_output is not state.structured_output
    assert fork.token_usage is not state.token_usage
    fork.messages.append(Message.user("more"))
    fork.idempotency["k"].status = "done"
    fork.metadata["graph"]["path"].append("c")
    fork.token_usage.prompt_tokens = 9
    assert [m.content for m in state.messages] == ["hi", "yo"]
    assert state.idempotency["k"].status == "pending"
    assert state.metadata["graph"]["path"] == ["a", "b"]
    assert state.token_usage.prompt_tokens == 3


def test_fork_keeps_aliasing_within_the_state() -> None:
    shared = {"n": 1}
    state = AgentState(metadata={"a": shared})
    state.metadata["b"] = shared
    fork = fork_state(state)
    assert fork.metadata["a"] is fork.metadata["b"]
    assert fork.metadata["a"] is not shared
