"""The enforcer as an agent hook: :class:`PlaybookEnforcerHook`."""

from __future__ import annotations

from typing import Any

from locus.core.messages import Message
from locus.hooks._base import (
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
    ModelCallDecision,
    ToolCallDecision,
)
from locus.playbooks._enforcer import PlaybookEnforcer
from locus.playbooks._models import Playbook

__all__ = ["PlaybookEnforcerHook"]


class PlaybookEnforcerHook(HookProvider):
    """Keeps an agent to a playbook: guidance before each model call, checks on each tool call.

    - Before each model call it adds a system message with the playbook and
      the current step (what to call next, hints, the last violation).
    - Before each tool call it asks the :class:`PlaybookEnforcer`; a violating
      call is refused (``block_violations=True``) and the model is told why
      and what to do instead.
    - After each tool call it records the call; a step completes when its
      expected tools have all succeeded.

    Each run starts the playbook over (``before_invocation`` resets the plan).

    Args:
        playbook: The playbook.
        block_violations: Refuse violating calls (else record them and let them run).
        record_violations: Keep violations in ``hook.enforcer.violations``.
        guide_model: Add the step guidance to each model call.
        priority: Hook priority (default ``HIGH``, next to guardrails).
    """

    name = "playbook_enforcer"

    def __init__(
        self,
        playbook: Playbook,
        *,
        block_violations: bool = True,
        record_violations: bool = True,
        guide_model: bool = True,
        priority: int = HookPriority.HIGH,
    ) -> None:
        self.enforcer = PlaybookEnforcer(
            playbook, block_violations=block_violations, record_violations=record_violations
        )
        self.guide_model = guide_model
        self.priority = priority
        self._refused: set[str] = set()

    def before_invocation(self, event: BeforeInvocationEvent) -> Any:
        """Start the playbook over."""
        self.enforcer.reset()
        self._refused.clear()
        return None

    def guidance(self) -> str:
        """The system text added to model calls."""
        text = self.enforcer.playbook.to_prompt() + "\n\n" + self.enforcer.get_next_step_hints()
        violations = self.enforcer.violations
        if violations:
            text += f"\nLast playbook violation: {violations[-1].message}"
        return text

    def before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Add the guidance as a system message."""
        if not self.guide_model:
            return None
        return ModelCallDecision(messages=[*event.messages, Message.system(self.guidance())])

    def before_tool_call(self, event: BeforeToolCallEvent) -> Any:
        """Refuse a call that breaks the playbook (when blocking)."""
        verdict = self.enforcer.validate_tool_call(event.tool_call.name)
        if verdict.allowed or verdict.violation is None:
            return None
        self._refused.add(event.tool_call.id)
        message = f"Refused by the playbook: {verdict.violation.message}"
        return ToolCallDecision.block(verdict.violation.message, result=message)

    def after_tool_call(self, event: AfterToolCallEvent) -> Any:
        """Record the call; steps complete when their tools have succeeded."""
        if event.tool_call.id in self._refused:
            self._refused.discard(event.tool_call.id)
            return None
        result = event.result
        self.enforcer.record_tool_call(event.tool_call.name, success=result.error is None)
        return None
