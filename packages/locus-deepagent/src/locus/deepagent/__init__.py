"""DeepAgent: long-horizon research on the locus engine (``pip install locus-deepagent``).

- :func:`create_deepagent`: a plain :class:`locus.Agent` with reflexion,
  grounding, a submit tool, typed termination and optional layers:
  filesystem tools over a :class:`StateBackend` / :class:`FilesystemBackend`,
  todos, AGENTS.md memory files, subagents (``task``), summarisation.
- :func:`create_research_workflow`: a :class:`~locus.multiagent.graph.StateGraph`
  execute → [causal] → summarize → grounding_eval → regenerate / replan.
- The knowledge protocol: :class:`KnowledgeProvider`, :class:`KnowledgeRow`,
  :class:`ItemRef`, :class:`Grounding`, driven item by item by :func:`scan`.
"""

from __future__ import annotations

from locus.deepagent._scan import scan
from locus.deepagent.backends import (
    BackendError,
    BackendProtocol,
    FileInfo,
    FilesystemBackend,
    Match,
    StateBackend,
)
from locus.deepagent.factory import create_deepagent
from locus.deepagent.memory import load_agents_md
from locus.deepagent.protocol import Grounding, ItemRef, KnowledgeProvider, KnowledgeRow
from locus.deepagent.subagent import SubAgentDef, task_tool
from locus.deepagent.todos import Todo, TodoState, make_todo_tools
from locus.deepagent.tools import make_filesystem_tools
from locus.deepagent.workflow import (
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
    create_research_workflow,
    make_causal_inference_node,
    make_execute_node,
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
    "BackendError",
    "BackendProtocol",
    "FileInfo",
    "FilesystemBackend",
    "Grounding",
    "ItemRef",
    "KnowledgeProvider",
    "KnowledgeRow",
    "Match",
    "StateBackend",
    "SubAgentDef",
    "Todo",
    "TodoState",
    "create_deepagent",
    "create_research_workflow",
    "load_agents_md",
    "make_causal_inference_node",
    "make_execute_node",
    "make_filesystem_tools",
    "make_grounding_eval_node",
    "make_regenerate_summary_node",
    "make_replan_node",
    "make_summarize_node",
    "make_todo_tools",
    "route_after_grounding",
    "scan",
    "task_tool",
]
