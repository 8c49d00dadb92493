"""Shared base of the guardrail hooks: violations list, callback, bus event, refusals."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from locus.core.messages import Message
from locus.hooks._base import HookProvider
from locus.hooks.builtin._policies import Finding, GuardrailViolation

__all__ = ["GuardrailHookBase", "describe", "refusal"]


class GuardrailHookBase(HookProvider):
    """Records violations, calls ``on_violation`` and publishes ``agent.guardrail.triggered``."""

    def __init__(
        self, on_violation: Callable[[GuardrailViolation], None] | None, priority: int
    ) -> None:
        self._violations: list[GuardrailViolation] = []
        self.on_violation = on_violation
        self.priority = priority

    @property
    def violations(self) -> list[GuardrailViolation]:
        """Violations seen so far (oldest first)."""
        return list(self._violations)

    def clear_violations(self) -> None:
        """Forget recorded violations."""
        self._violations.clear()

    def _record(self, violation: GuardrailViolation) -> None:
        self._violations.append(violation)
        if self.on_violation is not None:
            self.on_violation(violation)
        from locus.observability import emit

        emit(
            "agent.guardrail.triggered",
            hook=self.name or type(self).__name__,
            rule=violation.rule_name,
            action=violation.action.value,
            location=violation.location,
            description=violation.description,
        )


def refusal(reason: str) -> Any:
    from locus.models.response import ModelResponse

    """A model response refusing the request and saying why (``stop_reason="content_filter"``)."""
    text = f"I can't help with that request: {reason}"
    return ModelResponse(message=Message.assistant(text), stop_reason="content_filter")


def describe(findings: Iterable[Finding]) -> str:
    """The categories of ``findings`` in words (``"credit card, email"``)."""
    kinds = sorted({f.category for f in findings})
    return ", ".join(k.replace("_", " ") for k in kinds)
