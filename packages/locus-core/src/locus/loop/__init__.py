"""The agent loop: Think → Execute → Reflect → Terminate.

:class:`~locus.agent.Agent` builds a :class:`LoopContext` per run and drives
it with :func:`run_loop`; the nodes are importable for custom loops and tests.
"""

from __future__ import annotations

import importlib
from typing import Any

from locus.loop._context import LoopContext, collect_stream
from locus.loop._runner import Entry, entry_point, run_loop
from locus.loop._structured import parse_json_text, response_format
from locus.loop.nodes import (
    ExecuteNode,
    ReflectNode,
    TerminateNode,
    ThinkNode,
    final_text,
    pending_tool_calls,
)

__all__ = [
    "BatchRunner",
    "Entry",
    "ExecuteNode",
    "LoopContext",
    "LoopRunner",
    "ReActLoop",
    "ReActLoopConfig",
    "ReflectNode",
    "StreamingCollector",
    "TerminateNode",
    "ThinkNode",
    "collect_stream",
    "create_react_loop",
    "create_runner",
    "entry_point",
    "final_text",
    "parse_json_text",
    "pending_tool_calls",
    "response_format",
    "run_loop",
]

# the original locus's loop façades sit above locus.agent: imported on first use, by
# name, so that locus.loop (which the agent imports) does not import them
_LAZY = {
    "ReActLoop": "locus.loop.react",
    "ReActLoopConfig": "locus.loop.react",
    "create_react_loop": "locus.loop.react",
    "BatchRunner": "locus.loop.runner",
    "LoopRunner": "locus.loop.runner",
    "StreamingCollector": "locus.loop.runner",
    "create_runner": "locus.loop.runner",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'locus.loop' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
