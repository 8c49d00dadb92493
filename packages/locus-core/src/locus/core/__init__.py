"""Shared types every other module is built on: messages, protocols, errors, events, state.

Import from the submodules (``locus.core.messages``...); the names below are
also re-exported here (imported on first use, so ``import locus.core`` stays
cheap), as the original locus did: ``from locus.core import Command, goto``.
"""

from __future__ import annotations

import importlib
from typing import Any

# public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    "add_messages": "locus.core.reducers",
    "add_numbers": "locus.core.reducers",
    "AgentState": "locus.core.state",
    "aggregate_send_results": "locus.core.send",
    "append_list": "locus.core.reducers",
    "apply_reducers": "locus.core.reducers",
    "AutoApproveHandler": "locus.core.interrupt",
    "broadcast": "locus.core.send",
    "CheckpointerProtocol": "locus.core.protocols",
    "CheckpointError": "locus.core.errors",
    "CheckpointNotFoundError": "locus.core.errors",
    "CheckpointSerializationError": "locus.core.errors",
    "Command": "locus.core.command",
    "ConfigError": "locus.core.errors",
    "Continue": "locus.core.command",
    "deep_merge_dict": "locus.core.reducers",
    "EmbeddingError": "locus.core.errors",
    "End": "locus.core.command",
    "end": "locus.core.command",
    "extract_send_results": "locus.core.send",
    "first_value": "locus.core.reducers",
    "get_reducer": "locus.core.reducers",
    "goto": "locus.core.command",
    "GraphInterrupted": "locus.core.interrupt",
    "GroundingEvent": "locus.core.events",
    "interrupt": "locus.core.interrupt",
    "InterruptException": "locus.core.interrupt",
    "InterruptHandler": "locus.core.interrupt",
    "InterruptState": "locus.core.interrupt",
    "InterruptValue": "locus.core.interrupt",
    "is_command": "locus.core.command",
    "is_send": "locus.core.send",
    "is_send_list": "locus.core.send",
    "last_value": "locus.core.reducers",
    "LocusError": "locus.core.errors",
    "LocusEvent": "locus.core.events",
    "LocusSettings": "locus.core.config",
    "max_value": "locus.core.reducers",
    "merge_dict": "locus.core.reducers",
    "Message": "locus.core.messages",
    "min_value": "locus.core.reducers",
    "ModelAuthError": "locus.core.errors",
    "ModelChunkEvent": "locus.core.events",
    "ModelError": "locus.core.errors",
    "ModelProtocol": "locus.core.protocols",
    "ModelResponseError": "locus.core.errors",
    "ModelThrottledError": "locus.core.errors",
    "normalize_node_output": "locus.core.command",
    "normalize_sends": "locus.core.send",
    "RAGError": "locus.core.errors",
    "Reducer": "locus.core.reducers",
    "reducer": "locus.core.reducers",
    "ReflectEvent": "locus.core.events",
    "resume_with": "locus.core.command",
    "Role": "locus.core.messages",
    "scatter": "locus.core.send",
    "Send": "locus.core.send",
    "send": "locus.core.send",
    "SendBatch": "locus.core.send",
    "SendResult": "locus.core.send",
    "set_union": "locus.core.reducers",
    "TerminateEvent": "locus.core.events",
    "ThinkEvent": "locus.core.events",
    "ToolCall": "locus.core.messages",
    "ToolCompleteEvent": "locus.core.events",
    "ToolError": "locus.core.errors",
    "ToolExecutionError": "locus.core.errors",
    "ToolNotFoundError": "locus.core.errors",
    "ToolProtocol": "locus.core.protocols",
    "ToolResult": "locus.core.messages",
    "ToolStartEvent": "locus.core.events",
    "ToolValidationError": "locus.core.errors",
    "unique_append_list": "locus.core.reducers",
    "ValidationError": "locus.core.errors",
    "VectorStoreError": "locus.core.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 'locus.core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
