"""Every import path and name the seed documents is public API.

The import statements are read from ../shared/seeds (or the copy named by
LOCUS_SEEDS_DIR) when present; the names of the core API reference are listed
here too, so the test also runs from an sdist. Modules that belong to
distributions not built yet are listed in PENDING and skip with that reason;
every other name must import.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
from pathlib import Path

import pytest

SEEDS = Path(
    os.environ.get("LOCUS_SEEDS_DIR", Path(__file__).resolve().parents[2] / "shared" / "seeds")
)

PENDING = {
    "locus.multiagent.handoff": "Handoff is not built yet",
}

CORE_REFERENCE: dict[str, list[str]] = {
    "locus.core.config": ["LocusSettings"],
    "locus.core.protocols": ["ModelProtocol", "ToolProtocol", "CheckpointerProtocol"],
    "locus.core.messages": ["Message", "Role", "ToolCall", "ToolResult"],
    "locus.core.errors": [
        "LocusError",
        "ConfigError",
        "ValidationError",
        "ModelError",
        "ModelAuthError",
        "ModelResponseError",
        "ModelThrottledError",
        "ToolError",
        "ToolExecutionError",
        "ToolNotFoundError",
        "ToolValidationError",
        "CheckpointError",
        "CheckpointNotFoundError",
        "CheckpointSerializationError",
        "RAGError",
        "EmbeddingError",
        "VectorStoreError",
    ],
    "locus.core.command": [
        "Command",
        "End",
        "Continue",
        "goto",
        "end",
        "resume_with",
        "is_command",
        "normalize_node_output",
    ],
    "locus.core.interrupt": [
        "interrupt",
        "InterruptException",
        "InterruptValue",
        "InterruptState",
        "GraphInterrupted",
        "InterruptHandler",
        "AutoApproveHandler",
    ],
    "locus.core.send": [
        "Send",
        "SendBatch",
        "SendResult",
        "send",
        "broadcast",
        "scatter",
        "is_send",
        "is_send_list",
        "normalize_sends",
        "extract_send_results",
        "aggregate_send_results",
    ],
    "locus.core.reducers": [
        "Reducer",
        "reducer",
        "get_reducer",
        "apply_reducers",
        "add_messages",
        "merge_dict",
        "deep_merge_dict",
        "append_list",
        "unique_append_list",
        "add_numbers",
        "max_value",
        "min_value",
        "last_value",
        "first_value",
        "set_union",
    ],
    "locus.models.failover": ["classify", "FailoverReason"],
    "locus.reasoning.causal": ["CausalChain"],
    "locus.deepagent": [
        "create_deepagent",
        "create_research_workflow",
        "make_execute_node",
        "make_causal_inference_node",
        "make_summarize_node",
        "make_grounding_eval_node",
        "make_regenerate_summary_node",
        "make_replan_node",
        "route_after_grounding",
        "SubAgentDef",
        "TodoState",
        "Todo",
        "make_todo_tools",
        "make_filesystem_tools",
        "FilesystemBackend",
        "StateBackend",
        "KnowledgeProvider",
        "KnowledgeRow",
        "ItemRef",
    ],
}

IMPORT_RE = re.compile(r"^[ \t]*from (locus[\w.]*) import (\([^)]*\)|[^\n]+)", re.MULTILINE)


def seed_imports() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for module, names in CORE_REFERENCE.items():
        found.setdefault(module, set()).update(names)
    if SEEDS.is_dir():
        for seed in SEEDS.glob("*.txt"):
            for match in IMPORT_RE.finditer(seed.read_text()):
                stmt = ast.parse(f"from {match.group(1)} import {match.group(2)}").body[0]
                assert isinstance(stmt, ast.ImportFrom)
                found.setdefault(match.group(1), set()).update(a.name for a in stmt.names)
    return found


CASES = sorted((m, n) for m, names in seed_imports().items() for n in names)


def _pending_reason(module: str, name: str) -> str | None:
    if module == "locus":  # a lazy top-level export: judge by the module that defines it
        import locus

        module = locus._EXPORTS.get(name, module)
    return next((r for prefix, r in PENDING.items() if module.startswith(prefix)), None)


@pytest.mark.parametrize(("module", "name"), CASES, ids=[f"{m}:{n}" for m, n in CASES])
def test_seed_name_imports(module: str, name: str) -> None:
    reason = _pending_reason(module, name)
    try:
        mod = importlib.import_module(module)
        value = getattr(mod, name)
    except (ImportError, AttributeError) as exc:
        if reason:
            pytest.skip(f"{module}.{name}: {reason}")
        raise AssertionError(f"seed API {module}.{name} is missing: {exc}") from exc
    assert value is not None
