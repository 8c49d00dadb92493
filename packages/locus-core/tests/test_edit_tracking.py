"""In-place edits of history items are noted, so delta checkpoints can see them.

The checkpoint behaviour itself (an edited message is saved, a load does not
serve edited cached items) is in the conformance kit every backend runs
(``locus.testing._checkpoint_delta``); these pin the edit log it relies on,
and that an ordinary agent run never edits an item in place (so it never pays
for the edited path).
"""

from __future__ import annotations

import copy
import gc
import pickle

from locus import Agent, tool
from locus.checkpoint._delta import is_delta
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core._edits import (
    EDIT_LOG_SIZE,
    current_epoch,
    edited_since,
    note_edit,
    unedited_prefix,
)
from locus.core.messages import Message, ToolCall
from locus.core.state import AgentState, ToolExecution
from locus.hooks.builtin import GuardrailsHook
from locus.models import ScriptedModel


def test_assigning_a_field_is_noted_with_the_item() -> None:
    message = Message.user("hello")
    execution = ToolExecution(tool_call_id="c1", name="f")
    epoch = current_epoch()
    assert edited_since(epoch) == []
    message.content = "redacted"
    execution.result = "scrubbed"
    assert current_epoch() > epoch
    edited = edited_since(epoch)
    assert edited is not None
    assert [id(x) for x in edited] == [id(message), id(execution)]
    assert edited_since(current_epoch()) == []


def test_edits_from_several_threads_are_all_seen() -> None:
    import threading

    messages = [Message.user(str(i)) for i in range(8 * 25)]
    epoch = current_epoch()
    start = threading.Barrier(8)

    def edit(mine: list[Message]) -> None:
        start.wait()
        for m in mine:
            m.content = "edited"

    threads = [threading.Thread(target=edit, args=(messages[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    edited = edited_since(epoch)
    assert edited is not None
    assert {id(x) for x in edited} == {id(m) for m in messages}
    assert current_epoch() >= epoch + len(messages)  # the newest edit's number, never an older one
    assert unedited_prefix(epoch, messages) == (0,)


def test_building_copying_and_validating_items_are_not_edits() -> None:
    message = Message.assistant("a", tool_calls=[ToolCall(name="f")])
    execution = ToolExecution(tool_call_id="c1", name="f", result="r")
    epoch = current_epoch()
    message.model_copy(update={"content": "b"})
    message.model_copy(deep=True)
    copy.deepcopy(message)
    copy.copy(execution)
    pickle.loads(pickle.dumps(message))
    Message.model_validate(message.model_dump())
    Message.model_validate_json(message.model_dump_json())
    ToolExecution.model_validate(execution.model_dump())
    AgentState.model_validate(AgentState(messages=[message]).model_dump())
    state = AgentState(messages=[message], tool_executions=[execution])
    state.messages.append(Message.user("more"))
    state.messages[0] = Message.user("replaced")
    state.model_copy(deep=True)
    assert current_epoch() == epoch


def test_items_no_longer_alive_are_not_returned() -> None:
    epoch = current_epoch()
    kept = Message.user("kept")
    Message.user("gone").content = "edited"
    kept.content = "edited too"
    gc.collect()
    edited = edited_since(epoch)
    assert edited is not None
    assert [id(x) for x in edited] == [id(kept)]


def test_an_overflowed_log_says_it_does_not_know() -> None:
    epoch = current_epoch()
    message = Message.user("x")
    for i in range(EDIT_LOG_SIZE):
        message.content = str(i)
    recent = current_epoch() - 1
    assert edited_since(epoch) is not None  # the log still reaches back to the first edit
    message.content = "one more"
    assert edited_since(epoch) is None
    assert unedited_prefix(epoch, [message]) is None
    assert [id(x) for x in edited_since(recent) or []] == [id(message), id(message)]


def test_unedited_prefix_matches_by_identity() -> None:
    items = [Message.user(str(i)) for i in range(5)]
    tools = [ToolExecution(tool_call_id=f"c{i}", name="f") for i in range(3)]
    epoch = current_epoch()
    assert unedited_prefix(epoch, items, tools) == (5, 3)
    equal_copy = items[1].model_copy()
    equal_copy.content = "an equal copy edited: not an item of the list"
    assert unedited_prefix(epoch, items, tools) == (5, 3)
    items[3].name = "x"
    items[2].content = "y"
    assert unedited_prefix(epoch, items, tools) == (2, 3)
    note_edit(tools[0])
    assert unedited_prefix(epoch, items, tools) == (2, 0)
    assert unedited_prefix(current_epoch(), items, tools) == (5, 3)


@tool(idempotent=True)
def page_oncall(reason: str) -> str:
    """Page the on-call engineer."""
    return f"paged: {reason}"


async def test_an_agent_run_edits_no_history_item_in_place() -> None:
    """The loop, executor, ledger, hooks and checkpointing append or replace: no edit is noted."""
    script: list[object] = []
    for i in range(3):
        script += [[ToolCall(name="page_oncall", arguments={"reason": f"p99 {i}"})], f"paged {i}"]
    checkpointer = MemoryCheckpointer()
    agent = Agent(
        model=ScriptedModel(script),
        tools=[page_oncall],
        checkpointer=checkpointer,
        hooks=[GuardrailsHook()],
    )
    epoch = current_epoch()
    for i in range(3):
        result = await agent.invoke(
            f"page for p99 {i}; my card is 4111 1111 1111 1111", thread_id="t"
        )
        assert result.tool_executions
    assert current_epoch() == epoch
    records = await checkpointer._read_many("t", await checkpointer.list_checkpoints("t", 100))
    assert any(is_delta(r.payload) for r in records)  # the runs saved deltas, not snapshots
