"""The research workflow: a :class:`~locus.multiagent.graph.StateGraph` with a
post-execution quality loop, and the node makers it is composed of."""

from __future__ import annotations

from locus.deepagent.workflow._execute import make_causal_inference_node, make_execute_node
from locus.deepagent.workflow._graph import create_research_workflow
from locus.deepagent.workflow._keys import (
    KEY_CAUSAL_CHAIN,
    KEY_CAUSAL_CONFIDENCE,
    KEY_CAUSAL_HYPOTHESIS,
    KEY_EVIDENCE,
    KEY_EXECUTE_PROMPT,
    KEY_GROUNDING_FACTS,
    KEY_GROUNDING_SCORE,
    KEY_PROMPT,
    KEY_REGENERATION_COUNT,
    KEY_REPLAN_COUNT,
    KEY_STOP_REASON,
    KEY_STRUCTURED_OUTPUT,
    KEY_SUMMARY,
    KEY_UNGROUNDED_CLAIMS,
    ResearchState,
)
from locus.deepagent.workflow._quality import (
    make_grounding_eval_node,
    make_regenerate_summary_node,
    make_replan_node,
    make_summarize_node,
    route_after_grounding,
)

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
    "create_research_workflow",
    "make_causal_inference_node",
    "make_execute_node",
    "make_grounding_eval_node",
    "make_regenerate_summary_node",
    "make_replan_node",
    "make_summarize_node",
    "route_after_grounding",
]
