"""The agent loop: Think → Execute → Reflect → Terminate.

:class:`~locus.agent.Agent` builds a :class:`LoopContext` per run and drives
it with :func:`run_loop`; the nodes are importable for custom loops and tests.
"""

from __future__ import annotations

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
    "Entry",
    "ExecuteNode",
    "LoopContext",
    "ReflectNode",
    "TerminateNode",
    "ThinkNode",
    "collect_stream",
    "entry_point",
    "final_text",
    "parse_json_text",
    "pending_tool_calls",
    "response_format",
    "run_loop",
]
