"""Multi-agent shapes: graphs, the Functional API, orchestration.

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
    "GraphRecursionError": "locus.multiagent.graph",
    "RetryPolicy": "locus.multiagent.graph",
    "CachePolicy": "locus.multiagent.graph",
    "task": "locus.multiagent.functional",
    "entrypoint": "locus.multiagent.functional",
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
