"""A router whose approval-gated runs wait in a SQLite file: built the same way by the
test process and by the second process that approves (tests/test_approval.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from locus import Agent
from locus.checkpoint.sqlite import SQLiteCheckpointer
from locus.core.messages import Message, ToolCall
from locus.models import FunctionModel
from locus.router import (
    Capability,
    CapabilityIndex,
    CognitiveCompiler,
    GoalFrame,
    PolicyGate,
    ProtocolRegistry,
    Router,
    builtin_protocols,
)
from locus.tools import tool

FRAME = {"primary_goal": "remediate", "domain": "payments", "risk": "high"}


def make_router(db: str | Path, actions: str | Path, on_approval: Any = None) -> Router:
    """The router; ``rollback`` appends to ``actions`` when it really runs."""

    @tool
    def rollback(service: str) -> str:
        """Roll a service back to its previous release.

        Args:
            service: Service name.
        """
        with open(actions, "a") as fh:
            fh.write(f"rollback {service}\n")
        return f"{service} rolled back to v41"

    def operator(messages: list[Message], tools: Any) -> Any:
        if tools and not any(m.role.value == "tool" for m in messages):
            return [ToolCall(id="r1", name="rollback", arguments={"service": "checkout"})]
        return f"done: {messages[-1].content}"

    caps = CapabilityIndex([rollback])
    caps.annotate(Capability(id="deploy.rollback", domain="payments", tool_name="rollback"))
    registry = ProtocolRegistry()
    registry.register_many(builtin_protocols())
    compiler = CognitiveCompiler(
        protocols=registry,
        capabilities=caps,
        policy=PolicyGate(),
        model=FunctionModel(operator),
        on_approval=on_approval,
        checkpointer=SQLiteCheckpointer(db),
    )
    extractor = Agent(
        model=FunctionModel(lambda messages, tools: json.dumps(FRAME)), output_schema=GoalFrame
    )
    return Router(extractor=extractor, compiler=compiler)
