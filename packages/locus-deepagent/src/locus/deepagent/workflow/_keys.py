"""State keys of the research workflow (the ``KEY_*`` constants) and its state schema."""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = [
    "KEY_CAUSAL_CHAIN",
    "KEY_CAUSAL_CONFIDENCE",
    "KEY_CAUSAL_HYPOTHESIS",
    "KEY_EVIDENCE",
    "KEY_EXECUTE_PROMPT",
    "KEY_GROUNDING_FACTS",
    "KEY_GROUNDING_SCORE",
    "KEY_PROMPT",
    "KEY_REGENERATION_COUNT",
    "KEY_REPLAN_COUNT",
    "KEY_STOP_REASON",
    "KEY_STRUCTURED_OUTPUT",
    "KEY_SUMMARY",
    "KEY_UNGROUNDED_CLAIMS",
    "ResearchState",
]

KEY_PROMPT = "prompt"
"""The research question (input)."""
KEY_EXECUTE_PROMPT = "execute_prompt"
"""The prompt of the next execute phase (set by replan; falls back to KEY_PROMPT)."""
KEY_EVIDENCE = "evidence"
"""Tool outputs of every execute phase, as ``"[F1] tool(args): output"`` strings."""
KEY_GROUNDING_FACTS = "grounding_facts"
"""Fact id → tool output, citable by id."""
KEY_CAUSAL_CHAIN = "causal_chain"
"""The causal chain (``CausalChain.to_dict()``)."""
KEY_CAUSAL_HYPOTHESIS = "causal_hypothesis"
"""The root-cause explanation of the main effect."""
KEY_CAUSAL_CONFIDENCE = "causal_confidence"
"""Share of causal links supported by the evidence, 0..1."""
KEY_SUMMARY = "summary"
"""The answer text whose claims are graded."""
KEY_STRUCTURED_OUTPUT = "structured_output"
"""The answer as an ``output_schema`` instance (when the workflow has one)."""
KEY_GROUNDING_SCORE = "grounding_score"
"""Share of the summary's claims supported by the evidence, 0..1."""
KEY_UNGROUNDED_CLAIMS = "ungrounded_claims"
"""Claims of the summary no evidence supports."""
KEY_REPLAN_COUNT = "replan_count"
"""Full execute retries so far."""
KEY_REGENERATION_COUNT = "regeneration_count"
"""Summary rewrites so far."""
KEY_STOP_REASON = "stop_reason"
"""Why the last execute phase stopped (the agent's ``stop_reason``)."""


class ResearchState(TypedDict, total=False):
    """The research workflow's state."""

    prompt: str
    execute_prompt: str
    evidence: list[str]
    grounding_facts: dict[str, str]
    causal_chain: dict[str, Any]
    causal_hypothesis: str
    causal_confidence: float
    summary: str
    structured_output: Any
    grounding_score: float
    ungrounded_claims: list[str]
    replan_count: int
    regeneration_count: int
    stop_reason: str
