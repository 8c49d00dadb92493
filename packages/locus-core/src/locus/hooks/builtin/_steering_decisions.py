"""Steering decisions: the actions, a verdict, a human's answer, and how a decision is kept.

:mod:`locus.hooks.builtin.steering` holds the hook; this module the values it
passes around (re-exported there).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from locus.hooks._base import ToolCallDecision

__all__ = [
    "DECISIONS_KEY",
    "SteeringAction",
    "SteeringDecision",
    "decision_from_answer",
    "steering_record",
    "tool_decision",
]

DECISIONS_KEY = "locus_steering"
"""``state.metadata`` key: the decision on each tool call still in flight, by call id."""

_APPROVE = frozenset({"approve", "approved", "proceed", "yes", "y", "ok", "allow"})
_DECLINE = frozenset({"no", "n", "reject", "rejected", "decline", "declined", "deny", "denied"})


class SteeringAction(StrEnum):
    """What the judge decided."""

    PROCEED = "proceed"
    REWRITE = "rewrite"
    GUIDE = "guide"
    INTERRUPT = "interrupt"


@dataclass(frozen=True)
class SteeringDecision:
    """A judge's verdict on one proposal.

    Attributes:
        action: Proceed, rewrite, guide or interrupt.
        reason: Why (shown in events, to the model, and in an interrupt's payload).
        guidance: For ``GUIDE``: what the model (or the caller) should do
            instead. For ``INTERRUPT``: the question put to the human.
        arguments: For ``REWRITE`` of a tool call: the arguments to use.
        answer: For ``REWRITE`` of an answer: the text to return.
        timestamp: When it was decided.
    """

    action: SteeringAction
    reason: str = ""
    guidance: str = ""
    arguments: dict[str, Any] | None = None
    answer: str | None = None
    timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def proceed(cls, reason: str = "") -> SteeringDecision:
        """Allow the proposal."""
        return cls(SteeringAction.PROCEED, reason)

    @classmethod
    def rewrite(
        cls, *, arguments: dict[str, Any] | None = None, answer: str | None = None, reason: str = ""
    ) -> SteeringDecision:
        """Replace the call's arguments, or the answer's text."""
        return cls(SteeringAction.REWRITE, reason, arguments=arguments, answer=answer)

    @classmethod
    def guide(cls, guidance: str, reason: str = "") -> SteeringDecision:
        """Refuse the proposal and say what to do instead."""
        return cls(SteeringAction.GUIDE, reason, guidance=guidance)

    @classmethod
    def interrupt(cls, reason: str = "", *, question: str = "") -> SteeringDecision:
        """Pause the run before the tool call until a human answers (tool calls only).

        ``question`` is shown to the human (default: ``"Allow <tool>(<arguments>)?"``).
        """
        return cls(SteeringAction.INTERRUPT, reason, guidance=question)


def decision_from_answer(answer: Any) -> SteeringDecision:
    """The decision a human's answer to a steering interrupt stands for.

    - ``True``, or ``"approve"``/``"yes"``/``"proceed"``/``"ok"``...
      (any case): run the call as proposed.
    - ``False``, ``None``, or ``"no"``/``"reject"``/``"deny"``...: do not
      run it; the model is told a human declined.
    - A dict shaped like a judge's verdict (``{"action": "rewrite",
      "arguments": {...}}``, ``{"action": "guide", "guidance": "..."}``;
      ``{"arguments": {...}}`` alone rewrites): that decision.
    - Any other text (or value): do not run the call; the model gets it as guidance.
    """
    if answer is True or (isinstance(answer, str) and answer.strip().lower() in _APPROVE):
        return SteeringDecision.proceed("approved by a human")
    if (
        answer is None
        or answer is False
        or (isinstance(answer, str) and answer.strip().lower() in _DECLINE)
    ):
        return SteeringDecision.guide("A human declined this call.", reason="declined by a human")
    if isinstance(answer, dict):
        arguments = answer.get("arguments")
        action = answer.get("action", "rewrite" if isinstance(arguments, dict) else "proceed")
        try:
            chosen = SteeringAction(action)
        except ValueError:
            chosen = SteeringAction.GUIDE
        if chosen is SteeringAction.INTERRUPT:
            chosen = SteeringAction.GUIDE  # an answer cannot ask again
        return SteeringDecision(
            chosen,
            reason=str(answer.get("reason") or "answered by a human"),
            guidance=str(answer.get("guidance") or ""),
            arguments=arguments if isinstance(arguments, dict) else None,
        )
    return SteeringDecision.guide(str(answer), reason="redirected by a human")


def steering_record(
    decision: SteeringDecision, tool: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """``decision`` on a tool call as kept in the state (JSON), with an interrupt's payload."""
    record: dict[str, Any] = {
        "action": decision.action.value,
        "reason": decision.reason,
        "guidance": decision.guidance,
        "arguments": decision.arguments if decision.arguments is not None else None,
    }
    if decision.action is SteeringAction.INTERRUPT:
        record["arguments"] = arguments
        shown = json.dumps(arguments, default=str)
        record["payload"] = {
            "kind": "steering",
            "question": decision.guidance or f"Allow {tool}({shown})?",
            "reason": decision.reason,
            "tool": tool,
            "arguments": arguments,
        }
    return record


def tool_decision(
    action: SteeringAction, reason: str, guidance: str, arguments: dict[str, Any] | None
) -> ToolCallDecision | None:
    """The hook decision for a steering action on a tool call (``None``: run it as proposed)."""
    if action is SteeringAction.REWRITE and arguments is not None:
        return ToolCallDecision.replace(arguments)
    if action is SteeringAction.GUIDE:
        reason = reason or "redirected by the steering policy"
        return ToolCallDecision.block(reason, result=f"Not run ({reason}). Guidance: {guidance}")
    return None
