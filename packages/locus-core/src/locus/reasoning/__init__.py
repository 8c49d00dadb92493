"""Reasoning: Reflexion and Grounding (loop nodes), GSAR, CausalChain and the model-free Reflector.

``Agent(reflexion=True, grounding=True)`` turns on the defaults; pass a
configured :class:`Reflexion` / :class:`Grounding` instead of ``True`` to tune them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from locus.reasoning.grounding import (
    ClaimEvaluation,
    ClaimScore,
    Grounding,
    GroundingEvaluator,
    GroundingReport,
    GroundingResult,
    evaluate_grounding,
    extract_claims,
    lexical_score,
)
from locus.reasoning.reflexion import (
    REFLECTION_SCHEMA,
    AssessmentCategory,
    Reflection,
    ReflectionResult,
    Reflector,
    Reflexion,
    evaluate_progress,
)

__all__ = [
    "GSAR",
    "REFLECTION_SCHEMA",
    "AssessmentCategory",
    "CausalChain",
    "CausalLink",
    "ClaimAssessment",
    "ClaimEvaluation",
    "ClaimScore",
    "ClaimStatus",
    "GSARReport",
    "Grounding",
    "GroundingEvaluator",
    "GroundingReport",
    "GroundingResult",
    "Reflection",
    "ReflectionResult",
    "Reflector",
    "Reflexion",
    "ReplanTier",
    "evaluate_grounding",
    "evaluate_progress",
    "extract_claims",
    "lexical_score",
]

_LAZY = {
    "GSAR": "locus.reasoning.gsar",
    "GSARReport": "locus.reasoning.gsar",
    "ClaimAssessment": "locus.reasoning.gsar",
    "ClaimStatus": "locus.reasoning.gsar",
    "ReplanTier": "locus.reasoning.gsar",
    "CausalChain": "locus.reasoning.causal",
    "CausalLink": "locus.reasoning.causal",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.reasoning' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


if TYPE_CHECKING:  # pragma: no cover
    from locus.reasoning.causal import CausalChain, CausalLink
    from locus.reasoning.gsar import GSAR, ClaimAssessment, ClaimStatus, GSARReport, ReplanTier
