"""Grounding: score the claims of an answer against the evidence tools returned.

No extra model call by default: a claim is grounded when its numbers appear
in the evidence and enough of its content words do. Pass ``scorer=`` to use
an embedding or NLI model instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["ClaimScore", "Grounding", "GroundingReport", "extract_claims", "lexical_score"]

Scorer = Callable[[str, Sequence[str]], float]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
_NUMBER = re.compile(r"(?<![\w.])[-+]?\$?\d[\d,]*(?:\.\d+)?\s*[%kKmMbB]?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
_STOP = frozenset(
    (  # noqa: SIM905
        "a an and are as at be been but by can could did do does for from had has "
        "have he her his i if in into is it its may might more most no not of on "
        "or our she should so than that the their them then there these they this "
        "those to too was we were what when where which while who will with would "
        "you your also about after before over under very just only here now based "
        "according report reports reported shows show shown "
    ).split()
)


def _numbers(text: str) -> set[str]:
    out = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "").replace("$", "").replace(" ", "").lower().lstrip("+")
        value = value.rstrip("%")
        if value.endswith(".0"):
            value = value[:-2]
        out.add(value)
    return out


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP and len(w) > 2}


def extract_claims(text: str) -> list[str]:
    """Sentences stating facts: those with a number or at least three content words."""
    claims = []
    for sentence in _SENTENCE.split(text or ""):
        sentence = sentence.strip(" -*•\t")
        if not sentence or sentence.endswith("?"):
            continue
        if _numbers(sentence) or len(_words(sentence)) >= 3:
            claims.append(sentence)
    return claims


def lexical_score(claim: str, evidence: Sequence[str]) -> float:
    """0..1 support of ``claim`` by ``evidence``: number coverage times word overlap.

    Every number of the claim must appear in the evidence (else 0); the rest is
    the share of the claim's content words found in the evidence.
    """
    corpus = "\n".join(evidence)
    numbers = _numbers(claim)
    if numbers and not numbers <= _numbers(corpus):
        return 0.0
    words = _words(claim)
    if not words:
        return 1.0 if numbers else 0.0
    overlap = len(words & _words(corpus)) / len(words)
    return min(1.0, overlap + (0.3 if numbers else 0.0))


@dataclass(frozen=True)
class ClaimScore:
    """A claim and its support score."""

    claim: str
    score: float
    grounded: bool


@dataclass(frozen=True)
class GroundingReport:
    """Grounding of one answer.

    Attributes:
        score: Share of claims grounded (1.0 when the answer makes no claim).
        claims: Every claim with its score.
    """

    score: float
    claims: list[ClaimScore] = field(default_factory=list)

    @property
    def grounded(self) -> list[str]:
        """Claims supported by the evidence."""
        return [c.claim for c in self.claims if c.grounded]

    @property
    def ungrounded(self) -> list[str]:
        """Claims no evidence supports."""
        return [c.claim for c in self.claims if not c.grounded]


class Grounding:
    """Configure the Reflect node's grounding check (``Agent(grounding=True)`` uses the defaults).

    On a final answer the claims are scored against the run's tool outputs
    (and the user's own words). Below ``threshold`` the answer is sent back
    for re-research up to ``max_research`` times; after that ungrounded claims
    are dropped from the answer (``drop_ungrounded``).

    Args:
        scorer: ``scorer(claim, evidence) -> 0..1``; default :func:`lexical_score`.
        threshold: Minimum share of grounded claims to accept an answer.
        claim_threshold: Minimum score for a claim to count as grounded.
        max_research: Times an under-grounded answer is sent back to the model.
        drop_ungrounded: Remove ungrounded claims from an accepted answer.
    """

    def __init__(
        self,
        scorer: Scorer | None = None,
        *,
        threshold: float = 0.7,
        claim_threshold: float = 0.5,
        max_research: int = 1,
        drop_ungrounded: bool = True,
    ) -> None:
        self.scorer: Scorer = scorer or lexical_score
        self.threshold = threshold
        self.claim_threshold = claim_threshold
        self.max_research = max_research
        self.drop_ungrounded = drop_ungrounded

    def evaluate(self, answer: str, evidence: Sequence[str]) -> GroundingReport:
        """Score every claim of ``answer`` against ``evidence``."""
        claims = extract_claims(answer)
        if not claims:
            return GroundingReport(score=1.0)
        scored = []
        for claim in claims:
            value = float(self.scorer(claim, evidence))
            scored.append(ClaimScore(claim, value, value >= self.claim_threshold))
        share = sum(c.grounded for c in scored) / len(scored)
        return GroundingReport(score=round(share, 4), claims=scored)

    def needs_research(self, report: GroundingReport) -> bool:
        """Whether the answer should go back to the model (score under ``threshold``)."""
        return bool(report.ungrounded) and report.score < self.threshold

    def revise(self, answer: str, report: GroundingReport) -> str:
        """``answer`` without its ungrounded claims."""
        text = answer
        for claim in report.ungrounded:
            text = text.replace(claim, "")
        return re.sub(r"[ \t]{2,}", " ", re.sub(r"\n{3,}", "\n\n", text)).strip()

    def research_prompt(self, report: GroundingReport) -> str:
        """The message sending an under-grounded answer back to the model."""
        listed = "\n".join(f"- {claim}" for claim in report.ungrounded)
        return (
            "These claims in your answer are not supported by any tool result:\n"
            f"{listed}\nVerify them with the tools, or answer again without them."
        )
