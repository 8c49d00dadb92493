"""Filters of model output and input text: :class:`OutputFilterHook`, :class:`ContentFilterHook`."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from locus.core.messages import Role
from locus.hooks._base import AfterModelCallEvent, BeforeModelCallEvent, ModelCallDecision
from locus.hooks.builtin._policies import (
    PII_CATEGORIES,
    ContentPolicy,
    GuardrailAction,
    GuardrailViolation,
    TopicPolicy,
)
from locus.hooks.builtin._recorder import GuardrailHookBase, refusal

__all__ = ["ContentFilterHook", "OutputFilterHook"]


class OutputFilterHook(GuardrailHookBase):
    """Filter what the model says: redact PII, refuse blocked topics.

    Args:
        redact_pii: Redact PII from the model's text.
        pii_patterns: Extra PII categories: name -> regex (added to the built-in ones).
        content_policy: The PII policy to use instead of the default.
        topic_policy: Topics whose answers are replaced by a refusal.
        on_violation: Called with each violation.
        priority: Hook order (default 55).
    """

    name = "OutputFilterHook"

    def __init__(
        self,
        redact_pii: bool = True,
        pii_patterns: dict[str, str] | None = None,
        content_policy: ContentPolicy | None = None,
        topic_policy: TopicPolicy | None = None,
        on_violation: Callable[[GuardrailViolation], None] | None = None,
        priority: int = 55,
    ) -> None:
        super().__init__(on_violation, priority)
        self.redact_pii = redact_pii
        self.content_policy = content_policy or ContentPolicy(
            set(PII_CATEGORIES), {k: [v] for k, v in (pii_patterns or {}).items()}
        )
        self.topic_policy = topic_policy

    def after_model_call(self, event: AfterModelCallEvent) -> Any:
        response = event.response
        text = response.message.content
        if not text:
            return None
        if self.topic_policy is not None:
            topics = self.topic_policy.check(text)
            if topics:
                reason = f"the answer touches the blocked topic {topics[0]!r}"
                for topic in topics:
                    self._record(
                        GuardrailViolation(
                            f"topic.{topic}", reason, GuardrailAction.BLOCK, topic, "output"
                        )
                    )
                return refusal(reason)
        if not self.redact_pii:
            return None
        redacted, findings = self.content_policy.redact(text)
        if not findings:
            return None
        for finding in findings:
            self._record(
                GuardrailViolation(
                    f"pii.{finding.category}",
                    f"{finding.category.replace('_', ' ')} found in the answer",
                    GuardrailAction.REDACT,
                    ContentPolicy.mask(finding),
                    "output",
                )
            )
        message = response.message.model_copy(update={"content": redacted})
        return response.model_copy(update={"message": message})


class ContentFilterHook(GuardrailHookBase):
    """Block words and patterns, and cap lengths, in input and model output.

    Input (user messages) with a blocked word, or longer than
    ``max_input_length``, gets a refusal instead of a model call. Output
    with a blocked word has it replaced by ``[filtered]``; output longer than
    ``max_output_length`` is cut.

    Args:
        blocked_words: Whole words to block.
        blocked_patterns: Regular expressions to block.
        max_input_length: Longest user message, in characters.
        max_output_length: Longest model answer, in characters.
        case_sensitive: Match words and patterns case-sensitively.
        on_violation: Called with each violation.
        priority: Hook order (default 60).
    """

    name = "ContentFilterHook"

    def __init__(
        self,
        blocked_words: list[str] | None = None,
        blocked_patterns: list[str] | None = None,
        max_input_length: int = 50_000,
        max_output_length: int = 100_000,
        case_sensitive: bool = False,
        on_violation: Callable[[GuardrailViolation], None] | None = None,
        priority: int = 60,
    ) -> None:
        super().__init__(on_violation, priority)
        flags = 0 if case_sensitive else re.IGNORECASE
        self._patterns = [re.compile(rf"\b{re.escape(w)}\b", flags) for w in blocked_words or ()]
        self._patterns += [re.compile(p, flags) for p in blocked_patterns or ()]
        self.max_input_length = max_input_length
        self.max_output_length = max_output_length

    def _match(self, text: str) -> re.Match[str] | None:
        for pattern in self._patterns:
            match = pattern.search(text)
            if match:
                return match
        return None

    def before_model_call(self, event: BeforeModelCallEvent) -> ModelCallDecision | None:
        for message in event.messages:
            if message.role is not Role.USER or not message.content:
                continue
            text = message.content
            reason = None
            if len(text) > self.max_input_length:
                reason = f"the message is longer than {self.max_input_length} characters"
                rule = "input.length"
            elif (match := self._match(text)) is not None:
                reason = "it contains blocked content"
                rule = f"content.{match.re.pattern}"
            if reason is not None:
                self._record(GuardrailViolation(rule, reason, GuardrailAction.BLOCK, None, "input"))
                return ModelCallDecision(response=refusal(reason), reason=reason)
        return None

    def after_model_call(self, event: AfterModelCallEvent) -> Any:
        response = event.response
        text = response.message.content
        if not text:
            return None
        filtered = text
        for pattern in self._patterns:
            filtered, count = pattern.subn("[filtered]", filtered)
            if count:
                self._record(
                    GuardrailViolation(
                        f"content.{pattern.pattern}",
                        f"{count} blocked match(es) filtered from the answer",
                        GuardrailAction.REDACT,
                        None,
                        "output",
                    )
                )
        if len(filtered) > self.max_output_length:
            self._record(
                GuardrailViolation(
                    "output.length",
                    f"answer cut to {self.max_output_length} characters",
                    GuardrailAction.REDACT,
                    None,
                    "output",
                )
            )
            filtered = filtered[: self.max_output_length] + " [truncated]"
        if filtered == text:
            return None
        message = response.message.model_copy(update={"content": filtered})
        return response.model_copy(update={"message": message})
