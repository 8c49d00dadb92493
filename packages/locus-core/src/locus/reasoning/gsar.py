"""GSAR: a four-way partition of an answer's claims, with tiered replanning.

Each claim is **grounded** (the evidence states it), **complementary** (it is
consistent with the evidence and adds to it), **ungrounded** (nothing supports
it) or **contradicted** (the evidence says otherwise, e.g. a different number
for the same thing). The partition picks a replanning tier:

| tier | when | what the agent does |
|---|---|---|
| ``accept`` | everything grounded or complementary | answer stands |
| ``revise`` | a few ungrounded claims | drop them |
| ``research`` | the grounded share is low | gather more evidence with tools |
| ``replan`` | any contradiction | rethink the answer against the evidence |

``Agent(grounding=GSAR())`` uses it in the Reflect node in place of plain Grounding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from locus.reasoning.grounding import (
    ClaimScore,
    Grounding,
    GroundingReport,
    Scorer,
    _numbers,
    _words,
    extract_claims,
)

__all__ = ["GSAR", "ClaimAssessment", "ClaimStatus", "GSARReport", "ReplanTier"]

_NEGATION = re.compile(r"\b(not|no|never|none|without|n't)\b", re.IGNORECASE)
_EVIDENCE_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+")


class ClaimStatus(StrEnum):
    """Where a claim falls in the partition."""

    GROUNDED = "grounded"
    COMPLEMENTARY = "complementary"
    UNGROUNDED = "ungrounded"
    CONTRADICTED = "contradicted"


class ReplanTier(StrEnum):
    """What to do with an answer, mildest first."""

    ACCEPT = "accept"
    REVISE = "revise"
    RESEARCH = "research"
    REPLAN = "replan"


@dataclass(frozen=True)
class ClaimAssessment:
    """One claim, its status, support score and the closest evidence sentence."""

    claim: str
    status: ClaimStatus
    score: float
    evidence: str | None = None


@dataclass(frozen=True)
class GSARReport(GroundingReport):
    """The partition of an answer and the replanning tier it calls for."""

    assessments: list[ClaimAssessment] = field(default_factory=list)
    tier: ReplanTier = ReplanTier.ACCEPT

    def by_status(self, status: ClaimStatus) -> list[str]:
        """Claims with ``status``."""
        return [a.claim for a in self.assessments if a.status is status]

    @property
    def contradicted(self) -> list[str]:
        """Claims the evidence contradicts."""
        return self.by_status(ClaimStatus.CONTRADICTED)

    @property
    def complementary(self) -> list[str]:
        """Claims consistent with, and adding to, the evidence."""
        return self.by_status(ClaimStatus.COMPLEMENTARY)


class GSAR(Grounding):
    """Four-way claim partition with tiered replanning (a drop-in :class:`Grounding`).

    Args:
        scorer: Support score of a claim (default: lexical/number overlap).
        grounded_threshold: Minimum score for *grounded*.
        complementary_threshold: Minimum score for *complementary*.
        research_below: Weighted score under which the tier is *research*.
        max_research: Times the answer is sent back (research or replan).
        drop_ungrounded: Remove ungrounded and contradicted claims from an
            answer that is accepted after the research rounds.
    """

    def __init__(
        self,
        scorer: Scorer | None = None,
        *,
        grounded_threshold: float = 0.6,
        complementary_threshold: float = 0.3,
        research_below: float = 0.5,
        max_research: int = 1,
        drop_ungrounded: bool = True,
    ) -> None:
        super().__init__(
            scorer,
            threshold=research_below,
            claim_threshold=grounded_threshold,
            max_research=max_research,
            drop_ungrounded=drop_ungrounded,
        )
        self.complementary_threshold = complementary_threshold
        self.research_below = research_below

    def assess(self, claim: str, evidence: Sequence[str]) -> ClaimAssessment:
        """Place one claim in the partition."""
        closest, overlap = _closest_sentence(claim, evidence)
        if closest is not None and overlap >= 0.5 and _conflicts(claim, closest):
            return ClaimAssessment(claim, ClaimStatus.CONTRADICTED, 0.0, closest)
        score = float(self.scorer(claim, evidence))
        if score >= self.claim_threshold:
            status = ClaimStatus.GROUNDED
        elif score >= self.complementary_threshold and not _numbers(claim):
            status = ClaimStatus.COMPLEMENTARY
        else:
            status = ClaimStatus.UNGROUNDED
        return ClaimAssessment(claim, status, score, closest)

    def evaluate(self, answer: str, evidence: Sequence[str]) -> GSARReport:
        """Partition the claims of ``answer`` and choose the tier."""
        assessments = [self.assess(c, evidence) for c in extract_claims(answer)]
        if not assessments:
            return GSARReport(score=1.0)
        weight = {ClaimStatus.GROUNDED: 1.0, ClaimStatus.COMPLEMENTARY: 0.5}
        score = round(sum(weight.get(a.status, 0.0) for a in assessments) / len(assessments), 4)
        statuses = {a.status for a in assessments}
        if ClaimStatus.CONTRADICTED in statuses:
            tier = ReplanTier.REPLAN
        elif score < self.research_below:
            tier = ReplanTier.RESEARCH
        elif ClaimStatus.UNGROUNDED in statuses:
            tier = ReplanTier.REVISE
        else:
            tier = ReplanTier.ACCEPT
        claims = [
            ClaimScore(
                a.claim,
                a.score,
                a.status in (ClaimStatus.GROUNDED, ClaimStatus.COMPLEMENTARY),
            )
            for a in assessments
        ]
        from locus.observability import current_run_id, emit

        if current_run_id() is not None:
            counts = {s: sum(a.status is s for a in assessments) for s in ClaimStatus}
            emit(
                "agent.gsar",
                grounded=counts[ClaimStatus.GROUNDED],
                ungrounded=counts[ClaimStatus.UNGROUNDED],
                contradicted=counts[ClaimStatus.CONTRADICTED],
                complementary=counts[ClaimStatus.COMPLEMENTARY],
                tier=tier.value,
            )
        return GSARReport(score=score, claims=claims, assessments=assessments, tier=tier)

    def needs_research(self, report: GroundingReport) -> bool:
        """Research and replan tiers send the answer back."""
        if isinstance(report, GSARReport):
            return report.tier in (ReplanTier.RESEARCH, ReplanTier.REPLAN)
        return super().needs_research(report)

    def research_prompt(self, report: GroundingReport) -> str:
        """A tier-specific instruction naming the offending claims."""
        if not isinstance(report, GSARReport) or report.tier is not ReplanTier.REPLAN:
            return super().research_prompt(report)
        lines = [
            f"- {a.claim} (evidence: {a.evidence})"
            for a in report.assessments
            if a.status is ClaimStatus.CONTRADICTED
        ]
        return (
            "The tool results contradict these claims in your answer:\n"
            + "\n".join(lines)
            + "\nRethink your answer from the evidence; use the tools again if needed."
        )


def _sentences(evidence: Sequence[str]) -> list[str]:
    return [s.strip() for text in evidence for s in _EVIDENCE_SENTENCE.split(text) if s.strip()]


def _closest_sentence(claim: str, evidence: Sequence[str]) -> tuple[str | None, float]:
    words = _words(claim)
    if not words:
        return None, 0.0
    best, best_overlap = None, 0.0
    for sentence in _sentences(evidence):
        overlap = len(words & _words(sentence)) / len(words)
        if overlap > best_overlap:
            best, best_overlap = sentence, overlap
    return best, best_overlap


def _conflicts(claim: str, sentence: str) -> bool:
    claim_numbers, evidence_numbers = _numbers(claim), _numbers(sentence)
    if claim_numbers and evidence_numbers and not claim_numbers & evidence_numbers:
        return True
    return bool(_NEGATION.search(claim)) != bool(_NEGATION.search(sentence))
