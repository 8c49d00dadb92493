"""Chunk metadata reaches the assembled message of a streamed turn and survives a checkpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from locus import Agent, tool
from locus.core.events import ModelChunkEvent, ToolCallDelta
from locus.core.messages import Message, Role, ToolCall
from locus.loop import collect_stream
from locus.models import ScriptedModel
from locus.models.response import ModelResponse

SIGNED = {"provider_state": [{"type": "thinking", "thinking": "check it", "signature": "sig-1"}]}


@tool
def lookup(q: str) -> str:
    """Look something up."""
    return f"found {q}"


async def _replay(chunks: list[ModelChunkEvent]) -> AsyncIterator[ModelChunkEvent]:
    for chunk in chunks:
        yield chunk


async def test_collect_stream_merges_chunk_metadata_in_order() -> None:
    chunks = [
        ModelChunkEvent(content="hi", metadata={"a": 1, "b": "early"}),
        ModelChunkEvent(content=" there"),
        ModelChunkEvent(done=True, stop_reason="stop", metadata={"b": "late", "c": [1, 2]}),
    ]
    response = await collect_stream(_replay(chunks))
    assert response.text == "hi there"
    assert response.message.metadata == {"a": 1, "b": "late", "c": [1, 2]}


async def test_collect_stream_without_metadata_gives_an_empty_dict() -> None:
    response = await collect_stream(
        _replay([ModelChunkEvent(content="x"), ModelChunkEvent(done=True)])
    )
    assert response.message.metadata == {}


async def test_offline_stream_puts_message_metadata_on_the_done_chunk() -> None:
    message = Message(role=Role.ASSISTANT, content="ok", metadata=dict(SIGNED))
    model = ScriptedModel([ModelResponse(message=message)])
    chunks = [c async for c in model.stream([Message.user("go")])]
    assert chunks[-1].done
    assert chunks[-1].metadata == SIGNED
    assert all(c.metadata is None for c in chunks[:-1])


class ChunkModel:
    """A streaming-only model: turn 1 streams a tool call whose done chunk has metadata."""

    model = "chunks"

    def __init__(self) -> None:
        self.calls: list[list[Message]] = []

    async def complete(self, messages: list[Message], tools: Any = None, **kwargs: Any) -> Any:
        raise AssertionError("the agent streams; complete() must not be called")

    async def stream(
        self, messages: list[Message], tools: Any = None, **kwargs: Any
    ) -> AsyncIterator[ModelChunkEvent]:
        self.calls.append(list(messages))
        if len(self.calls) == 1:
            delta = ToolCallDelta(index=0, id="call-1", name="lookup", arguments_delta='{"q": "x"}')
            yield ModelChunkEvent(reasoning="check it")
            yield ModelChunkEvent(tool_call_delta=delta)
            yield ModelChunkEvent(done=True, stop_reason="tool_calls", metadata=SIGNED)
        else:
            yield ModelChunkEvent(content="done")
            yield ModelChunkEvent(done=True, stop_reason="stop")


def test_streamed_metadata_lands_in_state_and_survives_a_sqlite_checkpoint(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'threads.db'}"
    first = Agent(model=ChunkModel(), tools=[lookup], stream=True, checkpointer=url)
    result = first.run_sync("look up x", thread_id="t-1")
    assert result.message == "done"
    turn = next(m for m in result.state.messages if m.role is Role.ASSISTANT and m.tool_calls)
    assert turn.metadata == SIGNED
    assert turn.tool_calls[0].id == "call-1"

    # a new Agent instance (new model, no shared memory) continues the thread from SQLite
    second_model = ScriptedModel(["again"])
    second = Agent(model=second_model, tools=[lookup], stream=True, checkpointer=url)
    second.run_sync("and again?", thread_id="t-1")
    sent = second_model.calls[0]
    restored = next(m for m in sent if m.role is Role.ASSISTANT and m.tool_calls)
    assert restored.metadata == turn.metadata
    assert restored.tool_calls == [ToolCall(id="call-1", name="lookup", arguments={"q": "x"})]
    assert [m.content for m in sent if m.role is Role.USER] == ["look up x", "and again?"]
