"""Content checks shared by the guardrail hooks: PII detection and redaction, blocked topics.

PII detectors (category -> what matches):

- ``email``: ``name@domain.tld``.
- ``credit_card``: 13-19 digits (spaces or dashes allowed) that pass the Luhn
  checksum, so order numbers and timestamps of the same length do not match.
- ``national_id``: US Social Security numbers (``123-45-6789``, not the
  never-issued 000/666/9xx areas, 00 groups or 0000 serials) and UK National
  Insurance numbers (``QQ 12 34 56 C``).
- ``phone``: international numbers written with a leading ``+`` and 8-15 digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "PII_CATEGORIES",
    "ContentPolicy",
    "Finding",
    "GuardrailAction",
    "GuardrailViolation",
    "TopicPolicy",
    "luhn_valid",
    "redact_findings",
]


class GuardrailAction(StrEnum):
    """What a guardrail does with a match."""

    BLOCK = "block"
    WARN = "warn"
    REDACT = "redact"
    ALLOW = "allow"


@dataclass(frozen=True)
class GuardrailViolation:
    """One rule a guardrail saw broken.

    Attributes:
        rule_name: The rule (``"pii.email"``, ``"topic.medical"``, ``"tool.blocked"``...).
        description: What was found, in words a user can read.
        action: What the guardrail did.
        matched_content: The offending text, masked for PII (``j***@e***.com``).
        location: Where: ``"input"``, ``"output"``, ``"tool_arguments:<tool>"``,
            ``"tool_result:<tool>"``.
    """

    rule_name: str
    description: str
    action: GuardrailAction
    matched_content: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class Finding:
    """A match of a content rule in a text: its category, span and text."""

    category: str
    start: int
    end: int
    text: str


def luhn_valid(digits: str) -> bool:
    """Whether ``digits`` (only digits) pass the Luhn checksum of payment card numbers."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = ord(char) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def _card(match: re.Match[str]) -> bool:
    digits = re.sub(r"[ -]", "", match.group(0))
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


_Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], bool] | None]

_DETECTORS: dict[str, list[_Rule]] = {
    "email": [(re.compile(r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b"), None)],
    "credit_card": [(re.compile(r"(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])"), _card)],
    "national_id": [
        (re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b"), None),
        (
            re.compile(
                r"\b(?![DFIQUV])[A-CEGHJ-PR-TW-Z](?![DFIQUVO])[A-CEGHJ-PR-TW-Z]"
                r" ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b"
            ),
            None,
        ),
    ],
    "phone": [(re.compile(r"(?<![\w+])\+\d(?:[ .-]?\d){7,14}\b"), None)],
}

PII_CATEGORIES: tuple[str, ...] = tuple(_DETECTORS)
"""The built-in PII categories."""


def _mask(category: str, text: str) -> str:
    if category == "email":
        user, _, domain = text.partition("@")
        return f"{user[:1]}***@{domain[:1]}***"
    digits = re.sub(r"\D", "", text)
    return f"***{digits[-4:]}" if len(digits) >= 8 else "***"


def redact_findings(text: str, findings: list[Finding]) -> str:
    """``text`` with each (sorted, non-overlapping) finding replaced by ``[REDACTED:<kind>]``."""
    if not findings:
        return text
    out: list[str] = []
    last = 0
    for finding in findings:
        out.append(text[last : finding.start])
        out.append(f"[REDACTED:{finding.category}]")
        last = finding.end
    out.append(text[last:])
    return "".join(out)


@dataclass
class ContentPolicy:
    """Which kinds of sensitive content to look for, and how to redact them.

    Args:
        enabled_categories: Built-in PII categories to detect (default: all of
            :data:`PII_CATEGORIES`).
        patterns: Extra categories: name -> regular expressions.
    """

    enabled_categories: set[str] = field(default_factory=lambda: set(PII_CATEGORIES))
    patterns: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = self.enabled_categories - set(PII_CATEGORIES)
        if unknown:
            from locus.core.errors import ValidationError

            raise ValidationError(
                f"unknown PII categories {sorted(unknown)}; built-in ones are "
                f"{list(PII_CATEGORIES)} (add others with patterns={{name: [regex]}})"
            )
        self._compiled: list[tuple[str, list[_Rule]]] = [
            (name, [(re.compile(p), None) for p in regexes])
            for name, regexes in self.patterns.items()
        ]

    def _rules(self) -> Iterable[tuple[str, list[_Rule]]]:
        for name in PII_CATEGORIES:
            if name in self.enabled_categories:
                yield name, _DETECTORS[name]
        yield from self._compiled

    def check(self, text: str) -> list[Finding]:
        """Every match in ``text``, in order of position (overlaps keep the first)."""
        found: list[Finding] = []
        for name, rules in self._rules():
            for pattern, accept in rules:
                for match in pattern.finditer(text):
                    if accept is None or accept(match):
                        found.append(Finding(name, match.start(), match.end(), match.group(0)))
        found.sort(key=lambda f: (f.start, -f.end))
        kept: list[Finding] = []
        for finding in found:
            if not kept or finding.start >= kept[-1].end:
                kept.append(finding)
        return kept

    def redact(self, text: str) -> tuple[str, list[Finding]]:
        """``text`` with each match replaced by ``[REDACTED:<category>]``, and the matches."""
        findings = self.check(text)
        return redact_findings(text, findings), findings

    @staticmethod
    def mask(finding: Finding) -> str:
        """A finding's text with most of it hidden (for logs and events)."""
        return _mask(finding.category, finding.text)


@dataclass
class TopicPolicy:
    """Topics the agent must not engage with, recognised by keywords.

    Args:
        blocked_topics: Topic names to block.
        keywords: Topic -> words or phrases that signal it (whole words,
            case-insensitive). A blocked topic without keywords is recognised
            by its own name.
    """

    blocked_topics: set[str] = field(default_factory=set)
    keywords: Mapping[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._patterns: dict[str, re.Pattern[str]] = {}
        for topic in sorted(self.blocked_topics):
            words = list(self.keywords.get(topic) or [topic])
            alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
            self._patterns[topic] = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)

    def check(self, text: str) -> list[str]:
        """The blocked topics ``text`` touches, sorted."""
        return [topic for topic, pattern in self._patterns.items() if pattern.search(text)]
