"""CausalChain: a small directed acyclic graph of cause → effect links with evidence.

Build it by hand, from text ("A caused B", "B because A", "A -> B") or from an
agent run's tool evidence, then ask for root causes and the chain that
explains an effect.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from locus.core.errors import ValidationError

__all__ = ["CausalChain", "CausalLink"]

_FORWARD = re.compile(
    r"^(?P<a>.+?)\s+"
    r"(?:->|→|caused|causes|led to|leads to|triggered|triggers|resulted in|results in)"
    r"\s+(?P<b>.+?)[.;]?$",
    re.IGNORECASE,
)
_BACKWARD = re.compile(
    r"^(?P<b>.+?)\s+(?:because of|because|due to|was caused by|is caused by|caused by)"
    r"\s+(?P<a>.+?)[.;]?$",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"(?<=[.;!?])\s+|\n+")


@dataclass(frozen=True)
class CausalLink:
    """``cause`` → ``effect``, with the evidence for it and a confidence in 0..1."""

    cause: str
    effect: str
    evidence: str = ""
    confidence: float = 1.0


class CausalChain:
    """A cause → effect graph (acyclic) with root-cause queries.

    Example:
        ```python no-run
        chain = CausalChain.from_text(
            "Deploy 142 caused connection pool exhaustion. "
            "p99 latency spiked because of connection pool exhaustion."
        )
        chain.root_causes("p99 latency spiked")   # ["Deploy 142"]
        chain.explain("p99 latency spiked")       # "Deploy 142 → ... → p99 latency spiked"
        ```
    """

    def __init__(self, links: list[CausalLink] | None = None) -> None:
        self._links: list[CausalLink] = []
        for link in links or []:
            self.add(link.cause, link.effect, link.evidence, link.confidence)

    @property
    def links(self) -> list[CausalLink]:
        """Every link, in insertion order."""
        return list(self._links)

    @property
    def nodes(self) -> list[str]:
        """Every event of the graph, in first-seen order."""
        seen: dict[str, None] = {}
        for link in self._links:
            seen.setdefault(link.cause)
            seen.setdefault(link.effect)
        return list(seen)

    def __len__(self) -> int:
        return len(self._links)

    def add(
        self, cause: str, effect: str, evidence: str = "", confidence: float = 1.0
    ) -> CausalChain:
        """Add ``cause`` → ``effect``; returns ``self`` for chaining.

        Raises:
            locus.core.errors.ValidationError: empty names, confidence outside
                0..1, or a link that would create a cycle.
        """
        cause, effect = _norm(cause), _norm(effect)
        if not cause or not effect:
            raise ValidationError("a causal link needs a non-empty cause and effect")
        if not 0.0 <= confidence <= 1.0:
            raise ValidationError(f"confidence must be within 0..1, got {confidence}")
        if cause == effect or self._reaches(effect, cause):
            raise ValidationError(
                f"adding {cause!r} → {effect!r} would create a cycle; a causal chain is acyclic"
            )
        self._links.append(CausalLink(cause, effect, evidence, confidence))
        return self

    def causes_of(self, effect: str) -> list[CausalLink]:
        """Direct causes of ``effect``."""
        effect = _norm(effect)
        return [link for link in self._links if link.effect == effect]

    def root_causes(self, effect: str | None = None) -> list[str]:
        """Events with no cause: of the whole graph, or upstream of ``effect``."""
        if effect is None:
            effects = {link.effect for link in self._links}
            return [node for node in self.nodes if node not in effects]
        roots: list[str] = []
        stack, seen = [_norm(effect)], set()
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            parents = self.causes_of(node)
            if not parents and node != _norm(effect):
                roots.append(node)
            stack.extend(link.cause for link in parents)
        return sorted(roots, key=self.nodes.index)

    def path(self, effect: str) -> list[CausalLink]:
        """The most confident chain of links from a root cause to ``effect``."""
        best: list[CausalLink] = []
        best_score = -1.0

        def walk(node: str, chain: list[CausalLink], score: float) -> None:
            nonlocal best, best_score
            parents = self.causes_of(node)
            if not parents:
                if chain and (
                    score > best_score or (score == best_score and len(chain) > len(best))
                ):
                    best, best_score = list(reversed(chain)), score
                return
            for link in parents:
                walk(link.cause, [*chain, link], score * link.confidence)

        walk(_norm(effect), [], 1.0)
        if best:
            from locus.observability import current_run_id, emit

            if current_run_id() is not None:
                emit(
                    "agent.causal",
                    root_cause=best[0].cause,
                    chain_length=len(best),
                    confidence=round(best_score, 4),
                )
        return best

    def explain(self, effect: str) -> str:
        """``"root → ... → effect"`` along :meth:`path`, or the effect alone."""
        chain = self.path(effect)
        if not chain:
            return _norm(effect)
        return " → ".join([chain[0].cause, *(link.effect for link in chain)])

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible form."""
        return {"links": [asdict(link) for link in self._links]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CausalChain:
        """Rebuild from :meth:`to_dict` output."""
        return cls([CausalLink(**link) for link in data.get("links", [])])

    @classmethod
    def from_text(cls, text: str, *, confidence: float = 1.0) -> CausalChain:
        """Read "A caused B" / "B because of A" / "A -> B" sentences (others are ignored)."""
        chain = cls()
        for sentence in _SPLIT.split(text or ""):
            sentence = sentence.strip()
            if not sentence:
                continue
            match = _FORWARD.match(sentence) or _BACKWARD.match(sentence)
            if match:
                chain.add(match.group("a"), match.group("b"), sentence, confidence)
        return chain

    def _reaches(self, start: str, target: str) -> bool:
        stack, seen = [start], set()
        while stack:
            node = stack.pop()
            if node == target:
                return True
            if node in seen:
                continue
            seen.add(node)
            stack.extend(link.effect for link in self._links if link.cause == node)
        return False


def _norm(text: str) -> str:
    return " ".join(str(text).split()).rstrip(".;")
