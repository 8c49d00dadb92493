"""The original's ModelRetryHook(retry_on_empty=) and failover names behave as their signatures say."""

from __future__ import annotations

import pytest

from locus import Agent
from locus.core.errors import ModelThrottledError
from locus.core.messages import Message
from locus.hooks.builtin.retry import ModelRetryHook
from locus.models import ScriptedModel
from locus.models.failover import FailoverDecision, FailoverReason, classify


def _hook(**kwargs: object) -> ModelRetryHook:
    return ModelRetryHook(initial_delay=0.0, max_delay=0.0, **kwargs)  # type: ignore[arg-type]


def test_retry_on_empty_asks_again_until_the_model_answers() -> None:
    model = ScriptedModel(["", Message.assistant("   "), "the answer"])
    hook = _hook(max_retries=3)
    result = Agent(model=model, hooks=[hook]).run_sync("hi")
    assert result.text == "the answer"
    assert len(model.requests) == 3
    assert hook.retries == 2


def test_retry_on_empty_shares_the_attempt_budget_and_keeps_the_last_answer() -> None:
    model = ScriptedModel(["", "", "never reached"])
    result = Agent(model=model, hooks=[_hook(max_retries=1)]).run_sync("hi")
    assert result.text == ""  # the empty answer is returned, as without the hook
    assert model.remaining == 1
    mixed = ScriptedModel([ModelThrottledError("429"), "", "ok"])
    assert Agent(model=mixed, hooks=[_hook(max_retries=2)]).run_sync("hi").text == "ok"


def test_retry_on_empty_false_returns_an_empty_answer_at_once() -> None:
    model = ScriptedModel(["", "unused"])
    result = Agent(model=model, hooks=[_hook(retry_on_empty=False)]).run_sync("hi")
    assert result.text == ""
    assert model.remaining == 1


def test_tool_calls_without_text_are_not_empty() -> None:
    from locus import tool
    from locus.core.messages import ToolCall

    @tool
    def ping() -> str:
        """Ping."""
        return "pong"

    model = ScriptedModel([[ToolCall(name="ping", arguments={})], "done"])
    result = Agent(model=model, tools=[ping], hooks=[_hook()]).run_sync("go")
    assert result.text == "done"
    assert model.remaining == 0


def test_original_failover_reason_names_are_aliases_of_ours() -> None:
    assert FailoverReason.AUTH_TRANSIENT is FailoverReason.AUTH
    assert FailoverReason.AUTH_PERMANENT is FailoverReason.AUTH
    assert FailoverReason.BILLING is FailoverReason.AUTH
    assert FailoverReason.CONTEXT_TOO_LONG is FailoverReason.CONTEXT_LENGTH
    assert FailoverReason.PAYLOAD_TOO_LARGE is FailoverReason.CONTEXT_LENGTH
    assert FailoverReason.MODEL_NOT_FOUND is FailoverReason.BAD_REQUEST
    assert FailoverReason.FORMAT_ERROR is FailoverReason.BAD_REQUEST
    assert classify(status=413) is FailoverReason.PAYLOAD_TOO_LARGE
    assert FailoverReason.EMPTY_RESPONSE.retryable


class _HTTPError(Exception):
    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


@pytest.mark.parametrize(
    ("status", "reason", "flags"),
    [
        (429, FailoverReason.RATE_LIMIT, (True, False, False, False)),
        (401, FailoverReason.AUTH, (False, True, False, False)),
        (413, FailoverReason.CONTEXT_LENGTH, (False, False, True, False)),
        (503, FailoverReason.OVERLOADED, (True, False, False, True)),
        (404, FailoverReason.BAD_REQUEST, (False, False, False, False)),
    ],
)
def test_failover_decision_from_an_exception(
    status: int, reason: FailoverReason, flags: tuple[bool, bool, bool, bool]
) -> None:
    decision = FailoverDecision.from_exception(_HTTPError(status))
    assert decision.reason is reason
    assert decision.status_code == status
    assert decision.message == f"HTTP {status}"
    assert (
        decision.retryable,
        decision.should_rotate_credential,
        decision.should_compress,
        decision.should_fallback,
    ) == flags
