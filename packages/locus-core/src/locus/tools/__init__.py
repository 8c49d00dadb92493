"""Tools: ``@tool``, :class:`Tool`, :class:`ToolContext`, the executor and the idempotency ledger.

```python no-run
from locus import tool

@tool(idempotent=True)
def page_oncall(reason: str) -> str:
    \"\"\"Page the on-call engineer.

    Args:
        reason: Why the page is needed.
    \"\"\"
    return pager.send(reason)
```
"""

from __future__ import annotations

from locus.tools.context import ToolContext
from locus.tools.decorator import IdempotencyScope, InDoubtPolicy, Tool, render_result, tool
from locus.tools.executor import ToolExecutor, ToolOutcome
from locus.tools.ledger import idempotency_key

__all__ = [
    "IdempotencyScope",
    "InDoubtPolicy",
    "Tool",
    "ToolContext",
    "ToolExecutor",
    "ToolOutcome",
    "idempotency_key",
    "render_result",
    "tool",
]
