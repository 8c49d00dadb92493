"""locus: multi-agent LLM workflows for production.

``import locus`` is cheap: public names are imported on first attribute
access. ``locus`` is a namespace-extensible package: other distributions
(``locus-openai`` → ``locus.openai``...) add subpackages to it.
"""

__path__ = __import__("pkgutil").extend_path(__path__, __name__)

from typing import Any

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
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
