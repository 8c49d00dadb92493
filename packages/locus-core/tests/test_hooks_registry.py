"""Hooks: lifecycle points, replacing/cancelling tool calls, model-call decisions, ModelRetry."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent, tool
from locus.core.errors import ModelAuthError, ModelThrottledError, ValidationError
from locus.core.messages import Message, ToolCall
from locus.hooks import (
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookProvider,
    HookRegistry,
    ModelCallDecision,
    ModelRetry,
    ToolCallDecision,
)
from locus.models import ModelResponse, ScriptedModel

refunds: list[int] = []


@tool
def refund(amount: int) -> str:
    """Refund an amount."""
    refunds.append(amount)
    return f"refunded {amount}"


class Recorder(HookProvider):
    def __init__(self) -> None:
        self.points: list[str] = []

    def before_invocation(self, event: Any) -> None:
        self.points.append("before_invocation")

    async def after_invocation(self, event: Any) -> None:
        self.points.append(f"after_invocation:{event.result.message}")

    def before_model_call(self, event: Any) -> None:
        self.points.append("before_model")

    def after_model_call(self, event: Any) -> None:
        self.points.append("after_model")

    def before_tool_call(self, event: Any) -> None:
        self.points.append(f"before_tool:{event.tool_call.name}")

    def after_tool_call(self, event: Any) -> None:
        self.points.append(f"after_tool:{event.result.content}")


def test_hook_points_are_called_in_order() -> None:
    recorder = Recorder()
    model = ScriptedModel([[ToolCall(name="refund", arguments={"amount": 5})], "done"])
    Agent(model=model, tools=[refund], hooks=[recorder]).run_sync("go")
    assert recorder.points == [
        "before_invocation",
        "before_model",
        "after_model",
        "before_tool:refund",
        "after_tool:refunded 5",
        "before_model",
        "after_model",
        "after_invocation:done",
    ]


class Cap(HookProvider):
    """A guardrail: cap refunds at 100, block negative ones."""

    def before_tool_call(self, event: BeforeToolCallEvent) -> ToolCallDecision | None:
        amount = event.arguments.get("amount", 0)
        if amount < 0:
            return ToolCallDecision.block("negative refunds are not allowed")
        if amount > 100:
            return ToolCallDecision.replace({"amount": 100})
        return None


def test_hook_replaces_arguments_or_cancels_the_call() -> None:
    refunds.clear()
    model = ScriptedModel(
        [
            [
                ToolCall(id="a", name="refund", arguments={"amount": 500}),
                ToolCall(id="b", name="refund", arguments={"amount": -1}),
            ],
            "done",
        ]
    )
    result = Agent(model=model, tools=[refund], hooks=[Cap()]).run_sync("go")
    assert refunds == [100]
    by_id = {e.tool_call_id: e for e in result.tool_executions}
    assert by_id["a"].arguments == {"amount": 100}
    assert "negative refunds are not allowed" in (by_id["b"].error or "")


class Refuse(HookProvider):
    def before_model_call(self, event: BeforeModelCallEvent) -> ModelCallDecision:
        return ModelCallDecision(
            response=ModelResponse(message=Message.assistant("I cannot help with that.")),
            reason="blocked topic",
        )


def test_before_model_call_can_answer_instead_of_the_model() -> None:
    model = ScriptedModel([])
    result = Agent(model=model, hooks=[Refuse()]).run_sync("something bad")
    assert result.message == "I cannot help with that."
    assert model.calls == []


def test_model_retry_backs_off_on_throttling_then_succeeds() -> None:
    waits: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    model = ScriptedModel([ModelThrottledError("429"), ModelThrottledError("429"), "finally"])
    retry = ModelRetry(max_attempts=4, initial_delay=1.0, jitter=False, sleep=fake_sleep)
    result = Agent(model=model, hooks=[retry]).run_sync("hi")
    assert result.message == "finally"
    assert waits == [1.0, 2.0]
    assert retry.retries == 2


def test_model_retry_is_bounded_and_skips_non_retryable() -> None:
    async def no_sleep(seconds: float) -> None:
        return None

    throttled = ScriptedModel([ModelThrottledError("429")] * 3)
    with pytest.raises(ModelThrottledError):
        Agent(model=throttled, hooks=[ModelRetry(max_attempts=2, sleep=no_sleep)]).run_sync("x")
    assert throttled.remaining == 1
    auth = ScriptedModel([ModelAuthError("bad key"), "never"])
    with pytest.raises(ModelAuthError):
        Agent(model=auth, hooks=[ModelRetry(sleep=no_sleep)]).run_sync("x")
    assert auth.remaining == 1


def test_registry_rejects_non_hooks_and_bad_decisions() -> None:
    with pytest.raises(ValidationError, match="HookProvider"):
        HookRegistry([object()])

    class Bad(HookProvider):
        def before_tool_call(self, event: Any) -> str:
            return "yes"

    model = ScriptedModel([[ToolCall(name="refund", arguments={"amount": 1})], "x"])
    with pytest.raises(ValidationError, match="ToolCallDecision"):
        Agent(model=model, tools=[refund], hooks=[Bad()]).run_sync("go")
