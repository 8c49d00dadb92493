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

from typing import Any

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
    "ToolRegistry",
    "generate_schema",
    "get_today_date",
    "idempotency_key",
    "pydantic_to_json_schema",
    "render_result",
    "tool",
]

# the original locus's names, imported on first use
_LAZY = {
    "ToolRegistry": "locus.tools.registry",
    "generate_schema": "locus.tools.schema",
    "pydantic_to_json_schema": "locus.tools.schema",
    "get_today_date": "locus.tools.builtins",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.tools' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module_name), name)
