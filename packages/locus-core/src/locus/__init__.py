"""locus: multi-agent LLM workflows for production.

``import locus`` is cheap: public names are imported on first attribute
access. ``locus`` is a namespace-extensible package: other distributions
(``locus-openai`` → ``locus.openai``...) add subpackages to it.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from typing import Any as _Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # core types
    "Message": "locus.core.messages",
    "Role": "locus.core.messages",
    "ToolCall": "locus.core.messages",
    "ToolResult": "locus.core.messages",
    "AgentState": "locus.core.state",
    "LocusError": "locus.core.errors",
    "LocusSettings": "locus.core.config",
    # agent
    "Agent": "locus.agent",
    "AgentResult": "locus.agent",
    "AgentRun": "locus.agent",
    "tool": "locus.tools",
    "ToolContext": "locus.tools",
    "get_model": "locus.models",
    # control flow
    "Command": "locus.core.command",
    "End": "locus.core.command",
    "Send": "locus.core.send",
    "interrupt": "locus.core.interrupt",
    # termination
    "MaxIterations": "locus.core.termination",
    "TokenLimit": "locus.core.termination",
    "TimeLimit": "locus.core.termination",
    "NoToolCalls": "locus.core.termination",
    "ToolCalled": "locus.core.termination",
    "ConfidenceMet": "locus.core.termination",
    "TextMention": "locus.core.termination",
    "CustomCondition": "locus.core.termination",
    # graphs and composition
    "StateGraph": "locus.multiagent.graph",
    "START": "locus.multiagent.graph",
    "END": "locus.multiagent.graph",
    "SequentialPipeline": "locus.agent.composition",
    "ParallelPipeline": "locus.agent.composition",
    "LoopAgent": "locus.agent.composition",
    # multi-agent
    "create_handoff_agent": "locus.multiagent.handoff",
    "create_handoff_manager": "locus.multiagent.handoff",
    "HandoffReason": "locus.multiagent.handoff",
    "create_deepagent": "locus.deepagent",
    "create_research_workflow": "locus.deepagent",
    # cognitive router
    "Router": "locus.router",
    "GoalFrame": "locus.router",
    "TaskType": "locus.router",
    "Complexity": "locus.router",
    "Risk": "locus.router",
    "Protocol": "locus.router",
    "ProtocolRegistry": "locus.router",
    "builtin_protocols": "locus.router",
    "CognitiveCompiler": "locus.router",
    "PolicyGate": "locus.router",
    "PolicyVerdict": "locus.router",
    "Capability": "locus.router",
    "CapabilityIndex": "locus.router",
    "SkillIndex": "locus.router",
    "RunnableResult": "locus.router",
    # the original locus's other root names
    "AgentConfig": "locus.agent",
    "CausalChain": "locus.reasoning",
    "GraphConfig": "locus.multiagent.graph",
    "Grounding": "locus.deepagent",
    "GroundingEvent": "locus.core.events",
    "Handoff": "locus.multiagent.handoff",
    "HandoffContext": "locus.multiagent.handoff",
    "HookProvider": "locus.hooks.provider",
    "HookRegistry": "locus.hooks",
    "ItemRef": "locus.deepagent",
    "KnowledgeProvider": "locus.deepagent",
    "KnowledgeRow": "locus.deepagent",
    "LocusEvent": "locus.core.events",
    "OracleVectorStore": "locus.rag",
    "Orchestrator": "locus.multiagent.orchestrator",
    "RAGRetriever": "locus.rag",
    "OCIEmbeddings": "locus.oci",
    "ReflectEvent": "locus.core.events",
    "Reflexion": "locus.reasoning",
    "GroundingEvaluator": "locus.reasoning",
    "Reflector": "locus.reasoning",
    "RoutingDecision": "locus.multiagent.orchestrator",
    "Specialist": "locus.multiagent.specialist",
    "TerminateEvent": "locus.core.events",
    "ThinkEvent": "locus.core.events",
    "ToolCompleteEvent": "locus.core.events",
    "ToolStartEvent": "locus.core.events",
    "create_orchestrator": "locus.multiagent.orchestrator",
    "make_causal_inference_node": "locus.deepagent",
    "make_execute_node": "locus.deepagent",
    "make_grounding_eval_node": "locus.deepagent",
    "make_regenerate_summary_node": "locus.deepagent",
    "make_replan_node": "locus.deepagent",
    "make_summarize_node": "locus.deepagent",
    "route_after_grounding": "locus.deepagent",
    "KEY_CAUSAL_CHAIN": "locus.deepagent",
    "KEY_CAUSAL_CONFIDENCE": "locus.deepagent",
    "KEY_CAUSAL_HYPOTHESIS": "locus.deepagent",
    "KEY_EVIDENCE": "locus.deepagent",
    "KEY_EXECUTE_PROMPT": "locus.deepagent",
    "KEY_GROUNDING_FACTS": "locus.deepagent",
    "KEY_GROUNDING_SCORE": "locus.deepagent",
    "KEY_PROMPT": "locus.deepagent",
    "KEY_REGENERATION_COUNT": "locus.deepagent",
    "KEY_REPLAN_COUNT": "locus.deepagent",
    "KEY_STOP_REASON": "locus.deepagent",
    "KEY_STRUCTURED_OUTPUT": "locus.deepagent",
    "KEY_SUMMARY": "locus.deepagent",
    "KEY_UNGROUNDED_CLAIMS": "locus.deepagent",
}

# modules another distribution provides: their names need it installed
_DISTRIBUTIONS: dict[str, str] = {
    "locus.deepagent": "locus-deepagent",
    "locus.router": "locus-router",
    "locus.rag": "locus-rag",
    "locus.oci": "locus-oci",
}


def _installed(module_name: str) -> bool:
    """Whether ``module_name`` exists, without importing anything (stat calls only)."""
    import os

    parts = module_name.split(".")[1:]
    for root in __path__:
        base = os.path.join(root, *parts)
        if os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py")):
            return True
    return False


# `from locus import *` never fails: names whose module is missing are left out
__all__ = ["__version__", *sorted(n for n, m in _EXPORTS.items() if _installed(m))]


def __getattr__(name: str) -> _Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus' has no attribute {name!r}")
    import importlib

    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        dist = _DISTRIBUTIONS.get(module_name)
        if dist is None or exc.name != module_name:
            raise
        from locus.core._install import install_hint

        raise ImportError(
            f"locus.{name} is provided by the {dist} distribution, which is not installed: "
            f"{install_hint(dist)}",
            name=module_name,
        ) from exc
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
