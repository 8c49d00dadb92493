"""Reasoning: Reflexion and Grounding (loop nodes), GSAR and CausalChain.

``Agent(reflexion=True, grounding=True)`` turns on the defaults; pass a
configured :class:`Reflexion` / :class:`Grounding` instead of ``True`` to tune them.
"""

from __future__ import annotations

import importlib
from typing import Any

from locus.reasoning.grounding import (
    ClaimScore,
    Grounding,
    GroundingReport,
    extract_claims,
    lexical_score,
)
from locus.reasoning.reflexion import REFLECTION_SCHEMA, Reflection, Reflexion

__all__ = [
    "GSAR",
    "REFLECTION_SCHEMA",
    "CausalChain",
    "ClaimScore",
    "Grounding",
    "GroundingReport",
    "Reflection",
    "Reflexion",
    "extract_claims",
    "lexical_score",
]

_LAZY = {"GSAR": "locus.reasoning.gsar", "CausalChain": "locus.reasoning.causal"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.reasoning' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
