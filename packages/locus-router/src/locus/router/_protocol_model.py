"""The Protocol model: what a protocol declares, and the context its builder gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.router.capability import CapabilityIndex
from locus.router.goal_frame import GoalFrame, Risk, TaskType
from locus.router.skill_index import SkillIndex

__all__ = ["Builder", "BuilderContext", "Protocol"]


class BuilderContext(BaseModel):
    """What a protocol's builder gets besides the frame.

    Attributes:
        model: The model every built agent uses.
        capabilities: The tools and their capabilities.
        skills: A skills index (see :class:`~locus.router.skill_index.SkillIndex`), if any.
        a2a_endpoint: URL of the remote A2A agent, for ``a2a_delegate``.
        a2a_client: A ready client (anything with ``async invoke(text) -> str``),
            used instead of one built from ``a2a_endpoint``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model: Any
    capabilities: CapabilityIndex
    skills: SkillIndex | None = None
    a2a_endpoint: str | None = None
    a2a_client: Any = None


Builder = Callable[[GoalFrame, BuilderContext], Any]


class Protocol(BaseModel):
    """A way of running a request, and when it fits.

    Attributes:
        id: Stable id (``"specialist_fanout"``).
        description: One line.
        handles: Task types it can run.
        primary_for: Task types it is the first choice for.
        requires_capabilities: Capability ids it needs to exist at all
            (``a2a_delegate`` needs ``"a2a.remote_agent"``, given by an endpoint).
        risk_max: Highest frame risk it accepts.
        cost: Relative model spend, 1 (one call) to 5.
        latency: Relative wall time, 1 to 5.
        supports_streaming: Its runtime streams one agent's answer.
        supports_repair: Its runtime checks its own output and retries.
        needs_tools: It binds agents to tools; dropped when the frame gets none.
        multi_agent: Several agents work on the request.
        remote: It delegates to another agent, so local capabilities do not matter.
        approval_gated: It always runs behind an approval interrupt.
        builder: ``fn(frame, BuilderContext) -> Runnable``, or a
            ``"module:function"`` string imported on first use.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    description: str = ""
    handles: frozenset[TaskType]
    primary_for: frozenset[TaskType] = frozenset()
    requires_capabilities: frozenset[str] = frozenset()
    risk_max: Risk = Risk.MEDIUM
    cost: int = Field(default=1, ge=1, le=5)
    latency: int = Field(default=1, ge=1, le=5)
    supports_streaming: bool = False
    supports_repair: bool = False
    needs_tools: bool = False
    multi_agent: bool = False
    remote: bool = False
    approval_gated: bool = False
    builder: Builder | str

    def build(self, frame: GoalFrame, context: BuilderContext) -> Any:
        """Run the builder (importing it first when it is a string)."""
        builder = self.builder
        if isinstance(builder, str):
            from locus.plugins._registry import resolve_target

            builder = resolve_target(builder)
        return builder(frame, context)
