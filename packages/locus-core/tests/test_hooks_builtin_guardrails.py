"""GuardrailsHook, OutputFilterHook, ContentFilterHook and the PII / topic policies."""

from __future__ import annotations

from typing import Any

import pytest

from locus import Agent, tool
from locus.core.errors import ValidationError
from locus.core.messages import ToolCall
from locus.hooks.builtin import (
    ContentFilterHook,
    ContentPolicy,
    GuardrailAction,
    GuardrailConfig,
    GuardrailsHook,
    GuardrailViolation,
    OutputFilterHook,
    TopicPolicy,
)
from locus.hooks.builtin._policies import luhn_valid
from locus.models import FunctionModel, ScriptedModel
from locus.observability import get_event_bus, run_context

sent: list[dict[str, Any]] = []


@tool
def send_email(to: str, body: str) -> str:
    """Send an email."""
    sent.append({"to": to, "body": body})
    return f"sent to {to}"


@tool
def delete_account(user: str) -> str:
    """Delete an account."""
    return f"deleted {user}"


@tool
def lookup_customer(customer_id: str) -> str:
    """Customer record."""
    return "Jane, jane.doe@example.com, card 4111-1111-1111-1111, SSN 123-45-6789"


def test_pii_detection_uses_luhn_and_id_formats() -> None:
    policy = ContentPolicy()
    text = (
        "jane@example.org paid with 4111 1111 1111 1111 (not 4111 1111 1111 1112, "
        "order 20261130115301); SSN 123-45-6789 (not 666-12-3456); NINO AB 12 34 56 C; "
        "call +44 20 7946 0958"
    )
    found = [(f.category, f.text) for f in policy.check(text)]
    assert found == [
        ("email", "jane@example.org"),
        ("credit_card", "4111 1111 1111 1111"),
        ("national_id", "123-45-6789"),
        ("national_id", "AB 12 34 56 C"),
        ("phone", "+44 20 7946 0958"),
    ]
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    redacted, _ = ContentPolicy({"email"}, {"ticket": [r"TCK-\d+"]}).redact("a@b.io TCK-12 x")
    assert redacted == "[REDACTED:email] [REDACTED:ticket] x"
    with pytest.raises(ValidationError, match="unknown PII categories"):
        ContentPolicy({"passport"})


def test_topic_policy_matches_whole_words_and_phrases() -> None:
    policy = TopicPolicy(
        {"medical", "weapons"}, {"medical": ["diagnosis", "blood test"], "weapons": ["rifle"]}
    )
    assert policy.check("Is my Blood  Test normal?") == ["medical"]
    assert policy.check("a rifleman's diagnosis") == ["medical"]  # "rifle" only as a word
    assert TopicPolicy({"crypto"}).check("Buy CRYPTO now") == ["crypto"]


def test_user_pii_is_redacted_before_the_model_sees_it() -> None:
    seen: list[str] = []

    def model(messages: Any, tools: Any) -> str:
        seen.append(messages[-1].content)
        return "Noted."

    hook = GuardrailsHook()
    Agent(model=FunctionModel(model), hooks=[hook]).run_sync(
        "My card is 4111 1111 1111 1111 and mail jane@example.com"
    )
    assert seen == ["My card is [REDACTED:credit_card] and mail [REDACTED:email]"]
    assert [(v.rule_name, v.action, v.matched_content) for v in hook.violations] == [
        ("pii.credit_card", GuardrailAction.REDACT, "***1111"),
        ("pii.email", GuardrailAction.REDACT, "j***@e***"),
    ]


async def test_blocked_topic_is_refused_without_calling_the_model() -> None:
    model = ScriptedModel(["should not be used"])
    caught: list[GuardrailViolation] = []
    hook = GuardrailsHook(
        GuardrailConfig(topic_policy=TopicPolicy({"medical"}, {"medical": ["diagnosis"]})),
        on_violation=caught.append,
    )
    async with run_context() as rid:
        result = await Agent(model=model, hooks=[hook]).invoke("What is my diagnosis?")
    assert result.message == (
        "I can't help with that request: it touches the blocked topic 'medical'"
    )
    assert model.remaining == 1
    assert caught[0].rule_name == "topic.medical"
    events = [(e.event_type, e.data) for e in get_event_bus().history(rid)]
    assert (
        "agent.guardrail.triggered",
        {
            "hook": "GuardrailsHook",
            "rule": "topic.medical",
            "action": "block",
            "location": "input",
            "description": "it touches the blocked topic 'medical'",
        },
    ) in events
    assert any(t == "agent.hook.cancelled" for t, _ in events)


def test_pii_block_action_refuses_the_request() -> None:
    model = ScriptedModel(["unused"])
    hook = GuardrailsHook(
        GuardrailConfig(action_overrides={"pii.national_id": GuardrailAction.BLOCK})
    )
    result = Agent(model=model, hooks=[hook]).run_sync("my SSN is 123-45-6789")
    assert result.message.endswith("it contains personal data (national id)")
    assert model.remaining == 1


def test_tools_blocked_or_not_allowed_are_refused_with_a_reason_to_the_model() -> None:
    sent.clear()
    calls = [
        ToolCall(id="a", name="delete_account", arguments={"user": "u1"}),
        ToolCall(id="b", name="send_email", arguments={"to": "x@y.io", "body": "hi"}),
    ]
    hook = GuardrailsHook(
        GuardrailConfig(
            block_dangerous_tools=frozenset({"delete_account"}),
            pii_action=GuardrailAction.ALLOW,
        )
    )
    agent = Agent(
        model=ScriptedModel([calls, "ok"]), tools=[delete_account, send_email], hooks=[hook]
    )
    result = agent.run_sync("clean up")
    by_id = {e.tool_call_id: e for e in result.tool_executions}
    assert by_id["a"].error == (
        "Tool call cancelled: the tool 'delete_account' is not allowed by the guardrails"
    )
    assert by_id["b"].error is None
    assert sent == [{"to": "x@y.io", "body": "hi"}]
    allow_only = GuardrailsHook(GuardrailConfig(allow_only_tools=frozenset({"delete_account"})))
    result = Agent(
        model=ScriptedModel([[calls[1]], "ok"]), tools=[send_email], hooks=[allow_only]
    ).run_sync("mail")
    assert "not allowed by the guardrails" in (result.tool_executions[0].error or "")


def test_pii_in_tool_arguments_is_redacted_and_in_results_withheld() -> None:
    sent.clear()
    call = ToolCall(
        id="m", name="send_email", arguments={"to": "ops", "body": "card 4111111111111111"}
    )
    hook = GuardrailsHook()
    Agent(model=ScriptedModel([[call], "done"]), tools=[send_email], hooks=[hook]).run_sync("x")
    assert sent == [{"to": "ops", "body": "card [REDACTED:credit_card]"}]

    block_results = GuardrailsHook(
        GuardrailConfig(action_overrides={"pii.email": GuardrailAction.BLOCK})
    )
    lookup = ToolCall(id="l", name="lookup_customer", arguments={"customer_id": "c1"})
    result = Agent(
        model=ScriptedModel([[lookup], "done"]), tools=[lookup_customer], hooks=[block_results]
    ).run_sync("who?")
    assert result.tool_executions[0].result == (
        "[result withheld: it contained personal data (credit card, email, national id)]"
    )
    redacting = GuardrailsHook(GuardrailConfig(max_tool_result_length=30))
    result = Agent(
        model=ScriptedModel([[lookup], "done"]), tools=[lookup_customer], hooks=[redacting]
    ).run_sync("who?")
    assert result.tool_executions[0].result == "Jane, [REDACTED:email], card [ [truncated]"


def test_output_filter_redacts_pii_and_refuses_blocked_topics() -> None:
    model = ScriptedModel(["Write to jane@example.com", "Take this diagnosis seriously"])
    hook = OutputFilterHook(topic_policy=TopicPolicy({"medical"}, {"medical": ["diagnosis"]}))
    agent = Agent(model=model, hooks=[hook])
    assert agent.run_sync("contact?").message == "Write to [REDACTED:email]"
    assert agent.run_sync("health?").message == (
        "I can't help with that request: the answer touches the blocked topic 'medical'"
    )
    assert [v.location for v in hook.violations] == ["output", "output"]


def test_content_filter_blocks_input_and_filters_output() -> None:
    hook = ContentFilterHook(blocked_words=["secret"], blocked_patterns=[r"ACME-\d+"])
    model = ScriptedModel(["The code is ACME-42, keep it SECRET."])
    agent = Agent(model=model, hooks=[hook])
    assert agent.run_sync("tell me the code").message == (
        "The code is [filtered], keep it [filtered]."
    )
    refused = agent.run_sync("what is the secret?")
    assert refused.message == "I can't help with that request: it contains blocked content"
    short = ContentFilterHook(max_input_length=5, max_output_length=4)
    assert Agent(model=ScriptedModel(["abcdefgh"]), hooks=[short]).run_sync("hi").message == (
        "abcd [truncated]"
    )
