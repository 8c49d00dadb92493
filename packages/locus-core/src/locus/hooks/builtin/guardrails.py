"""Guardrail hooks: keep blocked topics, PII and dangerous tools out of an agent's work.

- :class:`GuardrailsHook` checks what goes in (the user's messages before
  each model call), tool calls (blocked / allowed tools, PII in arguments)
  and tool results (PII, length), and blocks, redacts or warns.
- :class:`OutputFilterHook` checks what the model says: redacts PII and
  replaces answers on blocked topics.
- :class:`ContentFilterHook` blocks words and patterns in input and output
  and caps their length.

Every decision is recorded (``hook.violations``), published as an
``agent.guardrail.triggered`` event, and explained: the model gets a tool
error saying why a call was refused; the caller gets a refusal that names
the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from locus.core.messages import Message, Role, ToolResult
from locus.hooks._base import (
    AfterToolCallEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    ModelCallDecision,
    ToolCallDecision,
)
from locus.hooks.builtin._filters import ContentFilterHook, OutputFilterHook
from locus.hooks.builtin._policies import (
    ContentPolicy,
    Finding,
    GuardrailAction,
    GuardrailViolation,
    TopicPolicy,
    redact_findings,
)
from locus.hooks.builtin._recorder import GuardrailHookBase, describe, refusal

__all__ = [
    "ContentFilterHook",
    "ContentPolicy",
    "GuardrailAction",
    "GuardrailConfig",
    "GuardrailViolation",
    "GuardrailsHook",
    "OutputFilterHook",
    "TopicPolicy",
]


@dataclass(frozen=True)
class GuardrailConfig:
    """What :class:`GuardrailsHook` enforces.

    Attributes:
        content_policy: PII to look for (default: every built-in category).
        topic_policy: Topics to refuse (none by default).
        pii_action: What to do with PII in input, tool arguments and tool
            results: ``REDACT`` (default), ``BLOCK``, ``WARN`` or ``ALLOW``.
        topic_action: What to do when the input touches a blocked topic.
        block_dangerous_tools: Tools never allowed to run.
        allow_only_tools: When set, only these tools may run.
        max_prompt_length: Longest user message accepted, in characters.
        max_tool_result_length: Tool results are cut to this many characters.
        action_overrides: Per-rule action (``{"pii.email": GuardrailAction.WARN}``).
    """

    content_policy: ContentPolicy = field(default_factory=ContentPolicy)
    topic_policy: TopicPolicy | None = None
    pii_action: GuardrailAction = GuardrailAction.REDACT
    topic_action: GuardrailAction = GuardrailAction.BLOCK
    block_dangerous_tools: frozenset[str] = frozenset()
    allow_only_tools: frozenset[str] | None = None
    max_prompt_length: int = 100_000
    max_tool_result_length: int = 50_000
    action_overrides: dict[str, GuardrailAction] = field(default_factory=dict)

    def action(self, rule: str, default: GuardrailAction) -> GuardrailAction:
        """The action for ``rule`` (its override, else ``default``)."""
        return self.action_overrides.get(rule, default)


class GuardrailsHook(GuardrailHookBase):
    """Enforce a :class:`GuardrailConfig` on input, tool calls and tool results.

    - Input (the user's messages, before each model call): a blocked topic
      gets a refusal instead of a model call; PII is redacted from what the
      model is sent (``REDACT``) or the request is refused (``BLOCK``).
    - Tool calls: blocked or not-allowed tools are refused with a message to
      the model; PII in arguments is redacted or the call refused.
    - Tool results: PII is redacted or the result withheld; long results cut.

    Args:
        config: The rules (default: redact every PII category).
        on_violation: Called with each :class:`GuardrailViolation`.
        priority: Hook order (default ``HookPriority.HIGH``: before telemetry and logging).
    """

    name = "GuardrailsHook"

    def __init__(
        self,
        config: GuardrailConfig | None = None,
        on_violation: Callable[[GuardrailViolation], None] | None = None,
        priority: int = HookPriority.HIGH,
    ) -> None:
        super().__init__(on_violation, priority)
        self.config = config or GuardrailConfig()

    def before_model_call(self, event: BeforeModelCallEvent) -> ModelCallDecision | None:
        config = self.config
        replaced: list[Message] | None = None
        for index, message in enumerate(event.messages):
            if message.role is not Role.USER or not message.content:
                continue
            text = message.content
            if len(text) > config.max_prompt_length:
                reason = (
                    f"the message is {len(text)} characters long; "
                    f"the limit is {config.max_prompt_length}"
                )
                self._record(
                    GuardrailViolation("input.length", reason, GuardrailAction.BLOCK, None, "input")
                )
                return ModelCallDecision(response=refusal(reason), reason=reason)
            if config.topic_policy is not None:
                for topic in config.topic_policy.check(text):
                    rule = f"topic.{topic}"
                    action = config.action(rule, config.topic_action)
                    reason = f"it touches the blocked topic {topic!r}"
                    if action is GuardrailAction.ALLOW:
                        continue
                    self._record(GuardrailViolation(rule, reason, action, topic, "input"))
                    if action is GuardrailAction.BLOCK:
                        return ModelCallDecision(response=refusal(reason), reason=reason)
            redacted, findings, block = self._pii(text, "input")
            if block:
                reason = f"it contains personal data ({describe(findings)})"
                return ModelCallDecision(response=refusal(reason), reason=reason)
            if redacted != text:
                if replaced is None:
                    replaced = list(event.messages)
                replaced[index] = message.model_copy(update={"content": redacted})
        return ModelCallDecision(messages=replaced) if replaced is not None else None

    def before_tool_call(self, event: BeforeToolCallEvent) -> ToolCallDecision | None:
        config = self.config
        name = event.tool_call.name
        location = f"tool_arguments:{name}"
        refused = name in config.block_dangerous_tools or (
            config.allow_only_tools is not None and name not in config.allow_only_tools
        )
        if refused:
            reason = f"the tool {name!r} is not allowed by the guardrails"
            self._record(
                GuardrailViolation("tool.blocked", reason, GuardrailAction.BLOCK, name, location)
            )
            return ToolCallDecision.block(reason)
        arguments, changed, block, findings = self._redact_value(event.arguments, location)
        if block:
            reason = f"its arguments contain personal data ({describe(findings)})"
            return ToolCallDecision.block(reason)
        return ToolCallDecision.replace(arguments) if changed else None

    def after_tool_call(self, event: AfterToolCallEvent) -> ToolResult | None:
        config = self.config
        result = event.result
        location = f"tool_result:{event.tool_call.name}"
        content, findings, block = self._pii(result.content, location)
        if block:
            content = f"[result withheld: it contained personal data ({describe(findings)})]"
        if len(content) > config.max_tool_result_length:
            limit = config.max_tool_result_length
            self._record(
                GuardrailViolation(
                    "tool_result.length",
                    f"result cut from {len(content)} to {limit} characters",
                    GuardrailAction.REDACT,
                    None,
                    location,
                )
            )
            content = content[:limit] + " [truncated]"
        if content == result.content:
            return None
        return result.model_copy(update={"content": content})

    # -- helpers -------------------------------------------------------------------

    def _pii(self, text: str, location: str) -> tuple[str, list[Finding], bool]:
        """(text to use, findings acted on, whether to block)."""
        config = self.config
        findings = config.content_policy.check(text)
        acted: list[Finding] = []
        redact: list[Finding] = []
        block = False
        for finding in findings:
            rule = f"pii.{finding.category}"
            action = config.action(rule, config.pii_action)
            if action is GuardrailAction.ALLOW:
                continue
            acted.append(finding)
            label = finding.category.replace("_", " ")
            self._record(
                GuardrailViolation(
                    rule, f"{label} found", action, ContentPolicy.mask(finding), location
                )
            )
            if action is GuardrailAction.BLOCK:
                block = True
            elif action is GuardrailAction.REDACT:
                redact.append(finding)
        return redact_findings(text, redact), acted, block

    def _redact_value(self, value: Any, location: str) -> tuple[Any, bool, bool, list[Finding]]:
        if isinstance(value, str):
            text, found, blocked = self._pii(value, location)
            return text, text != value, blocked, found
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            changed = block = False
            findings: list[Finding] = []
            for key, item in value.items():
                out[key], c, b, f = self._redact_value(item, location)
                changed, block = changed or c, block or b
                findings += f
            return out, changed, block, findings
        if isinstance(value, list):
            items = [self._redact_value(item, location) for item in value]
            return (
                [i[0] for i in items],
                any(i[1] for i in items),
                any(i[2] for i in items),
                [f for i in items for f in i[3]],
            )
        return value, False, False, []
