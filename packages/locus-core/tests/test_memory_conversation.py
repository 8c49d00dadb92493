"""Conversation managers: what the model sees of a long thread."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ConfigError, ValidationError
from locus.core.messages import Message, Role, ToolCall, ToolResult
from locus.memory import LLMCompactor, NullManager, SlidingWindowManager, SummarizingManager
from locus.memory._window import SUMMARY_KEY
from locus.models import FunctionModel
from locus.observability import get_event_bus, run_context


def tool_turn(i: int, calls: int = 2) -> list[Message]:
    ids = [f"c{i}_{j}" for j in range(calls)]
    turn = [
        Message.assistant(tool_calls=[ToolCall(id=c, name="look", arguments={"i": i}) for c in ids])
    ]
    turn += [
        Message.tool(ToolResult(tool_call_id=c, name="look", content=f"result {c}")) for c in ids
    ]
    return turn


def long_thread(turns: int) -> list[Message]:
    messages = [Message.system("sys")]
    for i in range(turns):
        messages.append(Message.user(f"question {i}"))
        messages += tool_turn(i)
        messages.append(Message.assistant(f"answer {i}"))
    return messages


def assert_no_orphans(view: list[Message]) -> None:
    called: set[str] = set()
    for message in view:
        if message.role is Role.ASSISTANT:
            called.update(c.id for c in message.tool_calls)
        if message.role is Role.TOOL:
            assert message.tool_call_id in called, f"orphan result {message.tool_call_id}"
    answered = {m.tool_call_id for m in view if m.role is Role.TOOL}
    for message in view[:-1]:
        for call in message.tool_calls:
            assert call.id in answered, f"call {call.id} lost its result"


@pytest.mark.parametrize("window", range(1, 25))
def test_sliding_window_never_splits_a_call_from_its_result(window: int) -> None:
    thread = long_thread(5)
    view = SlidingWindowManager(window_size=window).apply(thread)
    assert view[0].role is Role.SYSTEM
    assert_no_orphans(view)
    assert len(view) - 1 <= max(window, 3)  # 3 = one call + its two results
    assert view[-1] == thread[-1]


def test_sliding_window_short_thread_unchanged_and_null_manager() -> None:
    thread = long_thread(1)
    assert SlidingWindowManager(window_size=50).apply(thread) == thread
    assert NullManager().apply(thread) == thread
    with pytest.raises(ValidationError):
        SlidingWindowManager(window_size=0)


def test_summarizing_manager_validates() -> None:
    with pytest.raises(ValidationError, match="smaller than threshold"):
        SummarizingManager(threshold=5, keep_recent=5)
    with pytest.raises(ConfigError, match="summarize_fn"):
        SummarizingManager(threshold=5, keep_recent=2).apply(long_thread(3))


def test_sync_summarizing_with_a_function() -> None:
    seen: list[int] = []

    def fold(messages: list[Message]) -> str:
        seen.append(len(messages))
        return "they asked questions"

    view = SummarizingManager(threshold=6, keep_recent=3, summarize_fn=fold).apply(long_thread(4))
    assert view[1].metadata[SUMMARY_KEY] is True
    assert "they asked questions" in (view[1].content or "")
    assert_no_orphans(view)
    assert seen


class Recorder:
    """A model that answers turns and summaries, recording every request."""

    def __init__(self) -> None:
        self.turn_requests: list[list[Message]] = []
        self.summary_requests: list[list[Message]] = []

    def __call__(self, messages: list[Message], tools: Any) -> str:
        if "You compress conversations" in (messages[0].content or ""):
            self.summary_requests.append(messages)
            n = len(self.summary_requests)
            return f"summary {n}: the user asked about tides"
        self.turn_requests.append(messages)
        return f"reply {len(self.turn_requests)}"


async def test_agent_summarises_incrementally_and_keeps_the_thread() -> None:
    recorder = Recorder()
    checkpointer = MemoryCheckpointer()
    agent = Agent(
        model=FunctionModel(recorder),
        system_prompt="You are terse.",
        checkpointer=checkpointer,
        conversation_manager=SummarizingManager(threshold=8, keep_recent=4),
    )
    for i in range(20):
        result = await agent.invoke(f"question {i} about tides", thread_id="long")
    # every model turn saw at most: system + summary + threshold + the new prompt
    assert max(len(r) for r in recorder.turn_requests) <= 2 + 8 + 1
    # folds are incremental: each summary request reads the previous summary
    # plus a bounded chunk, never the whole thread
    assert len(recorder.summary_requests) >= 4
    for request in recorder.summary_requests[1:]:
        transcript = request[1].content or ""
        assert transcript.startswith("earlier summary: Summary of the earlier conversation")
        assert transcript.count("\n") <= 8
    last_turn = recorder.turn_requests[-1]
    assert last_turn[0].content == "You are terse."
    assert last_turn[1].metadata.get(SUMMARY_KEY)
    # the thread itself keeps every message, and the summary survives the checkpoint
    state = await checkpointer.load("long")
    assert state is not None
    assert len(state.messages) == 1 + 2 * 20
    assert state.metadata["locus_conversation"]["summary"].startswith("summary ")
    # the summariser's tokens are part of the run's usage
    assert result.usage.total_tokens > 0


async def test_compaction_is_an_event() -> None:
    recorder = Recorder()
    agent = Agent(
        model=FunctionModel(recorder),
        conversation_manager=SummarizingManager(threshold=3, keep_recent=1),
    )
    for i in range(4):  # the 3rd run folds; the 5th is the next to fold
        await agent.invoke(f"q{i}", thread_id="t")
    async with run_context() as run_id:
        await agent.invoke("q4", thread_id="t")
    events = [e for e in get_event_bus().history(run_id) if e.event_type.startswith("memory.")]
    assert [e.event_type for e in events] == ["memory.conversation.compacted"]
    assert events[0].data["manager"] == "SummarizingManager"
    assert events[0].data["summarized"] > 0


async def test_llm_compactor_elides_old_tool_outputs_and_folds_on_budget() -> None:
    folds: list[list[Message]] = []

    async def fold(messages: list[Message]) -> str:
        folds.append(messages)
        return "earlier: lookups 0..n"

    compactor = LLMCompactor(
        summarize_fn=fold,
        context_length=200,
        trigger_fraction=0.8,
        head_turns=1,
        tail_token_fraction=0.3,
        tool_output_ttl_turns=2,
        token_counter=lambda m: 10,
    )
    thread = long_thread(6)
    memory: dict[str, Any] = {}
    view = await compactor.async_apply(thread, memory=memory)
    assert sum(10 for _ in view) <= 200 * 0.8
    assert view[1] == thread[1]  # the head (the task) stays verbatim
    assert any(m.metadata.get(SUMMARY_KEY) for m in view)
    assert_no_orphans(view)
    assert memory["upto"] > 1
    # no new fold while the view fits
    again = await compactor.async_apply(thread, memory=memory)
    assert len(folds) == 1
    assert again == view
    # the cheap pass alone: tool outputs older than 2 assistant turns are stubs
    cheap = LLMCompactor(tool_output_ttl_turns=2).apply(thread)
    stubs = [m for m in cheap if m.role is Role.TOOL and "elided" in (m.content or "")]
    assert stubs
    assert all(m.role is Role.TOOL for m in stubs)
    assert cheap[-2].content == thread[-2].content


def test_agent_rejects_a_non_manager() -> None:
    with pytest.raises(ValidationError, match="ConversationManager"):
        Agent(model="test", conversation_manager="window")


async def test_reflexion_judges_the_managed_view_not_the_whole_thread() -> None:
    reflections: list[int] = []

    def model(messages: list[Message], tools: Any, options: dict[str, Any]) -> str:
        if "You compress conversations" in (messages[0].content or ""):
            return "summary"
        if options.get("response_format", {}).get("json_schema", {}).get("name") == "reflection":
            reflections.append(len(messages))
            return '{"assessment": "fine", "confidence": 0.9}'
        return "reply"

    agent = Agent(
        model=FunctionModel(model),
        system_prompt="sys",
        reflexion=True,
        conversation_manager=SummarizingManager(threshold=6, keep_recent=2),
    )
    for i in range(15):
        await agent.invoke(f"q{i}", thread_id="t")
    # system + summary + at most threshold + prompt + the reply + the instruction
    assert max(reflections) <= 1 + 1 + 6 + 1 + 1 + 1
    assert len(reflections) == 15
