"""Offline fixtures of the router tests: a model that answers by agent role, annotated tools."""

from __future__ import annotations

import json
from typing import Any

import pytest

from locus.core.messages import Message
from locus.models import FunctionModel
from locus.router import (
    Capability,
    CapabilityIndex,
    CognitiveCompiler,
    PolicyGate,
    ProtocolRegistry,
    Risk,
    builtin_protocols,
)
from locus.tools import tool


@tool
def read_metrics(service: str) -> str:
    """Latency percentiles of a service.

    Args:
        service: Service name.
    """
    return f"{service}: p50 120ms, p99 1800ms (was 300ms)"


@tool
def read_logs(service: str) -> str:
    """Recent error lines of a service.

    Args:
        service: Service name.
    """
    return f"{service}: 214 'connection pool exhausted' in 10 min"


@tool
def read_traces(service: str) -> str:
    """Slowest spans of a service.

    Args:
        service: Service name.
    """
    return f"{service}: 92% of slow spans wait on db.acquire"


def role_reply(messages: list[Message], tools: Any) -> Any:
    """An offline model: calls its one tool first, then answers as its role says."""
    system = messages[0].content if messages and messages[0].role.value == "system" else ""
    role = str(system).split(".")[0]
    if tools and not any(m.role.value == "tool" for m in messages):
        from locus.core.messages import ToolCall

        name = tools[0]["function"]["name"] if "function" in tools[0] else tools[0]["name"]
        return [ToolCall(id=f"c-{name}", name=name, arguments={"service": "checkout"})]
    tool_out = [str(m.content) for m in messages if m.role.value == "tool"]
    if "tester" in str(system) or role.startswith("Review and test"):
        return "def add(a, b):\n    return a + b\n\nPASS"
    if role.startswith("Weigh both cases"):
        return json.dumps(
            {
                "winner": "advocate",
                "reasoning": "lower ops",
                "answer": "Postgres",
                "confidence": 0.7,
            }
        )
    last = str(messages[-1].content)
    return f"[{role}] " + (" | ".join(tool_out) if tool_out else last)


@pytest.fixture
def model() -> FunctionModel:
    return FunctionModel(role_reply, name="role")


@pytest.fixture
def caps() -> CapabilityIndex:
    index = CapabilityIndex([read_metrics, read_logs, read_traces])
    for cap, name in (
        ("metrics.read", "read_metrics"),
        ("logs.read", "read_logs"),
        ("traces.read", "read_traces"),
    ):
        index.annotate(Capability(id=cap, domain="payments", tool_name=name))
    return index


@pytest.fixture
def registry() -> ProtocolRegistry:
    reg = ProtocolRegistry()
    reg.register_many(builtin_protocols())
    return reg


@pytest.fixture
def compiler(registry: ProtocolRegistry, caps: CapabilityIndex, model: FunctionModel) -> Any:
    return CognitiveCompiler(
        protocols=registry,
        capabilities=caps,
        policy=PolicyGate(max_risk=Risk.HIGH, require_approval_above=Risk.MEDIUM),
        model=model,
        on_approval=lambda request: True,
    )
