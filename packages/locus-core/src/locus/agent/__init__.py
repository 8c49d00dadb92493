"""Agents: :class:`Agent`, a run (:class:`AgentRun`) and its :class:`AgentResult`.

```python no-run
from locus import Agent

agent = Agent(model="test", tools=[...], system_prompt="...")
result = agent.run_sync("...")
print(result.text, result.stop_reason)
```
"""

from __future__ import annotations

from typing import Any

from locus.agent._agent import Agent, Prompt
from locus.agent._run import AgentRun
from locus.agent.result import AgentResult, ExecutionMetrics

__all__ = [
    "Agent",
    "AgentConfig",
    "AgentResult",
    "AgentRun",
    "ExecutionMetrics",
    "GroundingConfig",
    "LoopAgent",
    "ParallelPipeline",
    "Prompt",
    "ReflexionConfig",
    "SequentialPipeline",
    "loop",
    "parallel",
    "sequential",
]

# the original locus's names, imported on first use
_LAZY = {
    "AgentConfig": "locus.agent.config",
    "GroundingConfig": "locus.agent.config",
    "ReflexionConfig": "locus.agent.config",
    "GSARConfig": "locus.agent.config",
    "LoopAgent": "locus.agent.composition",
    "ParallelPipeline": "locus.agent.composition",
    "SequentialPipeline": "locus.agent.composition",
    "loop": "locus.agent.composition",
    "parallel": "locus.agent.composition",
    "sequential": "locus.agent.composition",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.agent' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
