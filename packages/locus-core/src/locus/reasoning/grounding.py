"""Grounding: score the claims of an answer against the evidence tools returned.

No extra model call by default: a claim is grounded when its numbers appear
in the evidence and enough of its content words do. Pass ``scorer=`` to use
an embedding or NLI model instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

__all__ = [
    "ClaimEvaluation",
    "ClaimScore",
    "Grounding",
    "GroundingEvaluator",
    "GroundingReport",
    "GroundingResult",
    "evaluate_grounding",
    "extract_claims",
    "lexical_score",
]

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


# -- the original locus's evaluator API, over Grounding ---------------------------------


class ClaimEvaluation(BaseModel):
    """One claim, its support score and the evidence items that support it."""

    claim: str
    score: float
    supporting_evidence: list[str] = Field(default_factory=list)
    reasoning: str = ""

    def is_grounded(self, threshold: float = 0.5) -> bool:
        """Whether ``score`` reaches ``threshold``."""
        return self.score >= threshold


class GroundingResult(BaseModel):
    """Grounding of a set of claims (the original locus's shape of :class:`GroundingReport`)."""

    score: float
    claims: list[ClaimEvaluation] = Field(default_factory=list)
    ungrounded_claims: list[str] = Field(default_factory=list)
    requires_replan: bool = False
    evaluation_details: dict[str, Any] = Field(default_factory=dict)

    @property
    def grounded_claims(self) -> list[str]:
        """Claims the evidence supports."""
        ungrounded = set(self.ungrounded_claims)
        return [c.claim for c in self.claims if c.claim not in ungrounded]

    @property
    def grounding_ratio(self) -> float:
        """Share of claims grounded (1.0 without claims)."""
        return len(self.grounded_claims) / len(self.claims) if self.claims else 1.0


class GroundingEvaluator:
    """Score claims against evidence with :class:`Grounding`'s scorer.

    Args:
        replan_threshold: Below this share of grounded claims, ``requires_replan``.
        claim_threshold: Minimum score for a claim to count as grounded.
        require_evidence: With no evidence at all, every claim is ungrounded
            (``False``: no evidence means nothing to check, score 1.0).
        scorer: ``scorer(claim, evidence) -> 0..1``; default :func:`lexical_score`.
    """

    def __init__(
        self,
        replan_threshold: float = 0.65,
        claim_threshold: float = 0.5,
        require_evidence: bool = True,
        scorer: Scorer | None = None,
    ) -> None:
        self.grounding = Grounding(
            scorer, threshold=replan_threshold, claim_threshold=claim_threshold
        )
        self.require_evidence = require_evidence

    def evaluate(self, claims: str | Sequence[str], evidence: Sequence[str]) -> GroundingResult:
        """Score ``claims`` (a list, or an answer text split into claims) against ``evidence``."""
        items = extract_claims(claims) if isinstance(claims, str) else [str(c) for c in claims]
        if not items or (not evidence and not self.require_evidence):
            return GroundingResult(
                score=1.0, claims=[ClaimEvaluation(claim=c, score=1.0) for c in items]
            )
        g = self.grounding
        evaluations = []
        for claim in items:
            score = float(g.scorer(claim, evidence))
            support = [e for e in evidence if g.scorer(claim, [e]) >= g.claim_threshold]
            evaluations.append(
                ClaimEvaluation(claim=claim, score=round(score, 4), supporting_evidence=support)
            )
        ungrounded = [e.claim for e in evaluations if e.score < g.claim_threshold]
        share = round(1 - len(ungrounded) / len(evaluations), 4)
        return GroundingResult(
            score=share,
            claims=evaluations,
            ungrounded_claims=ungrounded,
            requires_replan=bool(ungrounded) and share < g.threshold,
            evaluation_details={
                "claim_threshold": g.claim_threshold,
                "evidence_items": len(evidence),
            },
        )

    def should_replan(self, result: GroundingResult) -> bool:
        """Whether the answer should be researched again."""
        return result.requires_replan

    def get_replan_guidance(self, result: GroundingResult) -> str:
        """The message asking the model to verify ``result``'s ungrounded claims."""
        report = GroundingReport(
            score=result.score,
            claims=[ClaimScore(c, 0.0, False) for c in result.ungrounded_claims],
        )
        return self.grounding.research_prompt(report)


def evaluate_grounding(
    claims: Sequence[str], evidence: Sequence[str], threshold: float = 0.65
) -> GroundingResult:
    """Score ``claims`` against ``evidence`` (:class:`GroundingEvaluator` with ``threshold``)."""
    return GroundingEvaluator(replan_threshold=threshold).evaluate(claims, evidence)
