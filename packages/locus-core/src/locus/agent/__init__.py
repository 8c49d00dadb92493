"""Agents: :class:`Agent` and its :class:`AgentResult`.

```python no-run
from locus import Agent

agent = Agent(model="test", tools=[...], system_prompt="...")
result = agent.run_sync("...")
print(result.text, result.stop_reason)
```
"""

from __future__ import annotations

from locus.agent._agent import Agent, Prompt
from locus.agent.result import AgentResult

__all__ = ["Agent", "AgentResult", "Prompt"]
