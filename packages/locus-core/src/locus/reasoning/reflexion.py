"""Reflexion: a per-turn self-evaluation giving an assessment and a confidence.

The original locus's model-free :class:`Reflector` (with :class:`ReflectionResult`,
:class:`AssessmentCategory` and :func:`evaluate_progress`) is importable from here too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from locus.core.messages import Message, Role
from locus.reasoning._progress import (
    AssessmentCategory,
    ReflectionResult,
    Reflector,
    evaluate_progress,
)

__all__ = [
    "REFLECTION_SCHEMA",
    "AssessmentCategory",
    "Reflection",
    "ReflectionResult",
    "Reflector",
    "Reflexion",
    "evaluate_progress",
]

REFLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "assessment": {"type": "string", "description": "One or two sentences on progress."},
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    },
    "required": ["assessment", "confidence"],
    "additionalProperties": False,
}

_DEFAULT_PROMPT = (
    "Pause and evaluate your work so far on the user's request. Is the evidence from the "
    "tools sufficient and is your answer (or plan) correct? Reply with ONLY a JSON object: "
    '{"assessment": "<one or two sentences>", "confidence": <number from 0 to 1>}.'
)
_CONFIDENCE = re.compile(r"confidence\W{0,4}(\d+(?:\.\d+)?)\s*(%?)", re.IGNORECASE)


@dataclass(frozen=True)
class Reflection:
    """One self-evaluation.

    Attributes:
        assessment: What the model thinks of its progress.
        confidence: 0..1, or ``None`` when the reply had no usable number.
        raw: The model's reply.
    """

    assessment: str
    confidence: float | None
    raw: str = ""


class Reflexion:
    """Configure the Reflect node's self-evaluation (``Agent(reflexion=True)`` uses the defaults).

    After each turn the model is asked, in a side call that is not added to the
    conversation, for ``{"assessment": ..., "confidence": 0..1}``. The
    confidence goes to ``state.confidence`` (so ``ConfidenceMet`` can fire) and
    on a :class:`~locus.core.events.ReflectEvent`.

    Args:
        prompt: The evaluation instruction.
        continue_below: ``should_continue`` on the event is ``confidence < continue_below``.
        final_turn_only: Evaluate only turns without tool calls (saves model calls).
    """

    def __init__(
        self,
        prompt: str = _DEFAULT_PROMPT,
        *,
        continue_below: float = 0.8,
        final_turn_only: bool = False,
    ) -> None:
        self.prompt = prompt
        self.continue_below = continue_below
        self.final_turn_only = final_turn_only

    def messages(self, conversation: list[Message]) -> list[Message]:
        """The messages of the evaluation call: the conversation plus the instruction."""
        return [*conversation, Message.user(self.prompt)]

    def response_format(self) -> dict[str, Any]:
        """The ``response_format`` asking for the reflection JSON."""
        return {
            "type": "json_schema",
            "json_schema": {"name": "reflection", "schema": REFLECTION_SCHEMA, "strict": True},
        }

    def parse(self, text: str) -> Reflection:
        """Read a reply robustly: JSON (fenced or embedded), else a ``confidence: x`` phrase."""
        data = _first_json_object(text)
        assessment = ""
        confidence: float | None = None
        if data is not None:
            assessment = str(data.get("assessment", "") or "")
            confidence = _as_confidence(data.get("confidence"))
        if confidence is None:
            match = _CONFIDENCE.search(text)
            if match:
                value = float(match.group(1))
                confidence = _as_confidence(value / 100 if match.group(2) else value)
        if not assessment:
            assessment = text.strip()
        return Reflection(assessment=assessment, confidence=confidence, raw=text)


def _as_confidence(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if number > 1.0 and number <= 100.0:
        number /= 100.0
    return min(max(number, 0.0), 1.0)


def _first_json_object(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    while start != -1:
        depth = 0
        for end in range(start, len(text)):
            if text[end] == "{":
                depth += 1
            elif text[end] == "}":
                depth -= 1
                if depth == 0:
                    try:
                        value = json.loads(text[start : end + 1])
                    except json.JSONDecodeError:
                        break
                    if isinstance(value, dict):
                        return value
                    break
        start = text.find("{", start + 1)
    return None


def last_assistant_text(messages: list[Message]) -> str:
    """The newest non-empty assistant text."""
    for message in reversed(messages):
        if message.role is Role.ASSISTANT and message.content:
            return message.content
    return ""
