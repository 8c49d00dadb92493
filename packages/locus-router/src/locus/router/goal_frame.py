"""The typed frame a request is turned into: task type, complexity, risk and needs."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Complexity", "GoalFrame", "Risk", "TaskType", "risk_rank"]


class TaskType(StrEnum):
    """What the request asks for (the frame's ``primary_goal``)."""

    ANSWER = "answer"
    EXPLAIN = "explain"
    PLAN = "plan"
    BUILD = "build"
    MODIFY = "modify"
    DIAGNOSE = "diagnose"
    REMEDIATE = "remediate"
    GENERATE_CODE = "generate_code"
    RESEARCH = "research"
    COMPARE = "compare"
    MONITOR = "monitor"
    COORDINATE = "coordinate"
    ESCALATE = "escalate"


class Complexity(StrEnum):
    """How much work the request is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Risk(StrEnum):
    """What acting on the request could break; ordered ``LOW < MEDIUM < HIGH``."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_RANK = {Risk.LOW: 0, Risk.MEDIUM: 1, Risk.HIGH: 2}


def risk_rank(risk: Risk) -> int:
    """``0`` / ``1`` / ``2`` for ``LOW`` / ``MEDIUM`` / ``HIGH`` (risks compare by rank)."""
    rank = _RANK.get(risk)  # a Risk, or its str value: they hash alike
    return rank if rank is not None else _RANK[Risk(risk)]


class GoalFrame(BaseModel):
    """A request as the router sees it; the extractor ``Agent(output_schema=GoalFrame)`` fills it.

    Attributes:
        primary_goal: The task type that decides the protocol.
        secondary_goals: Other task types the request also involves.
        domain: Area of the request (``"payments"``, ``"infra"``); selects
            annotated capabilities when ``required_capabilities`` is empty.
        complexity: How much work it is.
        risk: What acting on it could break (the PolicyGate judges it).
        requires_tools: Answering needs tools (live data, actions).
        requires_memory: Answering needs earlier conversation or stored facts.
        requires_code_generation: The deliverable is code.
        requires_multi_agent: Several agents should work on it.
        approval_required: A human must approve before anything runs.
        success_criteria: How to tell the result is good (given to validators).
        required_capabilities: Capability ids (see ``CapabilityIndex``) the
            run needs; ids nobody provides drop every local protocol.
    """

    model_config = ConfigDict(extra="forbid")

    primary_goal: TaskType = Field(description="The one task type that best describes the request.")
    secondary_goals: list[TaskType] = Field(
        default_factory=list, description="Other task types the request also involves."
    )
    domain: str = Field(
        default="general", description="Area of the request, one lowercase word (payments, infra)."
    )
    complexity: Complexity = Field(default=Complexity.LOW, description="How much work it is.")
    risk: Risk = Field(
        default=Risk.LOW,
        description="What acting on it could break: low (read-only), medium, high (production).",
    )
    requires_tools: bool = Field(default=False, description="Needs live data or actions.")
    requires_memory: bool = Field(default=False, description="Needs earlier conversation.")
    requires_code_generation: bool = Field(default=False, description="The deliverable is code.")
    requires_multi_agent: bool = Field(default=False, description="Several agents should work.")
    approval_required: bool = Field(
        default=False, description="A human must approve before anything runs."
    )
    success_criteria: list[str] = Field(
        default_factory=list, description="How to tell the result is good."
    )
    required_capabilities: list[str] = Field(
        default_factory=list, description="Capability ids the run needs, when known."
    )
