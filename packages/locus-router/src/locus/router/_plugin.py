"""locus-router's plugin: declares ``locus_register_protocols`` and registers the built-ins."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import Registrar
from locus.router._hookspecs import RouterHookspecs

LOCUS_HOOKSPECS = RouterHookspecs
PROTOCOL_HOOK = "locus_register_protocols"
LOCUS_REGISTRIES: dict[str, tuple[str, dict[str, str]]] = {PROTOCOL_HOOK: ("router protocol", {})}

_BUILTINS = (
    ("direct_response", "one agent answers"),
    ("plan_execute_validate", "planner -> executor -> validator"),
    ("specialist_fanout", "tool-bound specialists in parallel"),
    ("debate", "two debaters and a judge"),
    ("codegen_test_validate", "coder and tester loop until PASS"),
    ("approval_gated_execution", "an agent behind an approval interrupt"),
    ("a2a_delegate", "a remote agent over A2A (opt-in)"),
    ("handoff_chain", "a chain of one-tool agents"),
)


@hookimpl
def locus_register_protocols(register: Registrar) -> None:
    """The eight built-in protocols (registered through the same hook as third parties')."""
    for protocol_id, description in _BUILTINS:
        register(
            protocol_id,
            f"locus.router._builtin_table:{protocol_id}",
            description=description,
        )
