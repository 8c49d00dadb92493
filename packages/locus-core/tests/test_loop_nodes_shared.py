"""Loop helpers shared by the agent: unanswered calls, response_format per turn."""

from __future__ import annotations

from pydantic import BaseModel

from locus.agent import Agent
from locus.core.messages import Message, ToolCall, ToolResult
from locus.loop.nodes import unanswered_calls
from locus.models.offline import ScriptedModel


class Answer(BaseModel):
    value: int


def test_unanswered_calls_skips_calls_that_have_a_result() -> None:
    first, second = ToolCall(id="a", name="x"), ToolCall(id="b", name="y")
    messages = [
        Message.user("go"),
        Message.assistant(tool_calls=[first, second]),
        Message.tool(ToolResult(tool_call_id="a", name="x", content="ok")),
    ]
    assert [c.id for c in unanswered_calls(messages)] == ["b"]
    assert unanswered_calls([*messages, Message.user("next")]) == []


def test_every_turn_requests_the_schema_and_model_options_win() -> None:
    model = ScriptedModel(["not json", '{"value": 3}'])
    result = Agent(model=model, output_schema=Answer).run_sync("answer")
    assert result.structured_output == Answer(value=3)
    formats = [r.kwargs["response_format"] for r in model.requests]
    assert len(formats) == 2
    assert formats[0] == formats[1]
    assert formats[0]["json_schema"]["name"] == "Answer"

    custom = {"type": "json_object"}
    model = ScriptedModel(['{"value": 1}'])
    Agent(model=model, output_schema=Answer, model_options={"response_format": custom}).run_sync(
        "answer"
    )
    assert model.requests[0].kwargs["response_format"] == custom
