"""Offline models: ScriptedModel, FunctionModel, TestModel and the "test" model string."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from locus.core.errors import ModelResponseError, ValidationError
from locus.core.events import ModelChunkEvent
from locus.core.messages import Message, ToolCall
from locus.core.protocols import ModelProtocol
from locus.loop import collect_stream
from locus.models import FunctionModel, ModelResponse, ScriptedModel, TestModel, get_model
from locus.tools import tool


async def test_scripted_model_replays_in_order_and_records_calls() -> None:
    model = ScriptedModel(["hello there", [ToolCall(name="f", arguments={"a": 1})]])
    assert isinstance(model, ModelProtocol)
    first = await model.complete([Message.user("hi you")])
    assert first.text == "hello there"
    assert first.stop_reason == "stop"
    assert first.usage == {"prompt_tokens": 2, "completion_tokens": 2, "total_tokens": 4}
    second = await model.complete([Message.user("again")])
    assert second.message.tool_calls[0].name == "f"
    assert second.stop_reason == "tool_calls"
    assert [m[0].content for m in model.calls] == ["hi you", "again"]
    with pytest.raises(ModelResponseError, match="ran out of responses after 2"):
        await model.complete([Message.user("more")])


async def test_scripted_model_raises_scripted_exceptions() -> None:
    model = ScriptedModel([RuntimeError("boom"), "ok"])
    with pytest.raises(RuntimeError, match="boom"):
        await model.complete([])
    assert (await model.complete([])).text == "ok"


def test_scripted_model_rejects_unknown_items() -> None:
    model = ScriptedModel([42])  # type: ignore[list-item]
    import asyncio

    with pytest.raises(ValidationError):
        asyncio.run(model.complete([]))


async def test_function_model_sync_async_and_options() -> None:
    def sync_fn(messages: list[Message], tools: object) -> str:
        return f"got {len(messages)}"

    async def async_fn(
        messages: list[Message], tools: object, options: dict[str, object]
    ) -> Message:
        return Message.assistant(json.dumps(sorted(options)))

    assert (await FunctionModel(sync_fn).complete([Message.user("x")])).text == "got 1"
    response = await FunctionModel(async_fn).complete([], None, temperature=0)
    assert response.text == '["temperature"]'
    assert response.model == "function"


async def test_stream_reassembles_into_the_same_response() -> None:
    call = ToolCall(id="c1", name="lookup", arguments={"q": "latency p99"})
    scripted = ModelResponse(message=Message.assistant("checking two things", [call]))
    model = ScriptedModel([scripted])
    chunks = [c async for c in model.stream([Message.user("go")])]
    assert all(isinstance(c, ModelChunkEvent) for c in chunks)
    assert chunks[-1].done
    assert chunks[-1].usage
    assert chunks[-1].stop_reason == "tool_calls"
    assert any(c.tool_call_delta for c in chunks)

    async def replay():  # type: ignore[no-untyped-def]
        for c in chunks:
            yield c

    rebuilt = await collect_stream(replay())
    assert rebuilt.text == "checking two things"
    assert rebuilt.message.tool_calls[0].id == "c1"
    assert rebuilt.message.tool_calls[0].arguments == {"q": "latency p99"}


async def test_test_model_calls_every_tool_with_valid_args_then_summarises() -> None:
    @tool
    def get_metric(name: str, window: int = 5) -> float:
        """Read a metric."""
        return 1.0

    @tool
    def page(reason: str, urgent: bool) -> str:
        """Page someone."""
        return "paged"

    model = TestModel()
    schemas = [get_metric.to_openai_schema(), page.to_openai_schema()]
    first = await model.complete([Message.user("go")], schemas)
    calls = first.message.tool_calls
    assert [c.name for c in calls] == ["get_metric", "page"]
    for c, t in zip(calls, (get_metric, page), strict=True):
        t.validate_arguments(c.arguments)
    history = [Message.user("go"), first.message]
    history += [
        Message(role="tool", content="1.0", tool_call_id=calls[0].id, name="get_metric"),
        Message(role="tool", content="paged", tool_call_id=calls[1].id, name="page"),
    ]
    final = await model.complete(history, schemas)
    assert not final.message.tool_calls
    assert "get_metric" in final.text
    assert "paged" in final.text


async def test_test_model_answers_response_format_with_valid_json() -> None:
    class Verdict(BaseModel):
        label: str
        score: float
        tags: list[str]

    fmt = {
        "type": "json_schema",
        "json_schema": {"name": "V", "schema": Verdict.model_json_schema()},
    }
    response = await TestModel().complete([Message.user("rate")], None, response_format=fmt)
    Verdict.model_validate_json(response.text)


def test_model_string_test_gives_a_test_model() -> None:
    assert isinstance(get_model("test"), TestModel)
