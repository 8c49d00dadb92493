"""Multi-agent shapes: graphs, the Functional API, Orchestrator, Swarm, Handoff, Debate.

Public names are imported lazily (``import locus.multiagent`` is cheap).
"""

from __future__ import annotations

from typing import Any

_EXPORTS: dict[str, str] = {
    "StateGraph": "locus.multiagent.graph",
    "CompiledGraph": "locus.multiagent.graph",
    "START": "locus.multiagent.graph",
    "END": "locus.multiagent.graph",
    "GraphConfig": "locus.multiagent.graph",
    "GraphResult": "locus.multiagent.graph",
    "Graph": "locus.multiagent.graph",
    "create_graph": "locus.multiagent.graph",
    "GraphRecursionError": "locus.multiagent.graph",
    "RetryPolicy": "locus.multiagent.graph",
    "CachePolicy": "locus.multiagent.graph",
    "StreamMode": "locus.multiagent.graph",
    "emit_custom": "locus.multiagent.graph",
    "task": "locus.multiagent.functional",
    "entrypoint": "locus.multiagent.functional",
    # patterns
    "Orchestrator": "locus.multiagent.orchestrator",
    "OrchestratorResult": "locus.multiagent.orchestrator",
    "RoutingDecision": "locus.multiagent.orchestrator",
    "create_orchestrator": "locus.multiagent.orchestrator",
    "Playbook": "locus.multiagent.specialist",
    "PlaybookStep": "locus.multiagent.specialist",
    "Specialist": "locus.multiagent.specialist",
    "SpecialistResult": "locus.multiagent.specialist",
    "create_code_analyst": "locus.multiagent.specialist",
    "create_log_analyst": "locus.multiagent.specialist",
    "create_metrics_analyst": "locus.multiagent.specialist",
    "create_trace_analyst": "locus.multiagent.specialist",
    "SharedContext": "locus.multiagent.swarm",
    "Swarm": "locus.multiagent.swarm",
    "SwarmAgent": "locus.multiagent.swarm",
    "SwarmResult": "locus.multiagent.swarm",
    "SwarmTask": "locus.multiagent.swarm",
    "TaskStatus": "locus.multiagent.swarm",
    "create_swarm": "locus.multiagent.swarm",
    "create_swarm_agent": "locus.multiagent.swarm",
    "Handoff": "locus.multiagent.handoff",
    "HandoffAgent": "locus.multiagent.handoff",
    "HandoffBudget": "locus.multiagent.handoff",
    "HandoffContext": "locus.multiagent.handoff",
    "HandoffContract": "locus.multiagent.handoff",
    "HandoffEvent": "locus.multiagent.handoff",
    "HandoffReason": "locus.multiagent.handoff",
    "HandoffResult": "locus.multiagent.handoff",
    "create_handoff_agent": "locus.multiagent.handoff",
    "create_handoff_manager": "locus.multiagent.handoff",
    "Debate": "locus.multiagent.debate",
    "DebateResult": "locus.multiagent.debate",
    "Verdict": "locus.multiagent.debate",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.multiagent' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
