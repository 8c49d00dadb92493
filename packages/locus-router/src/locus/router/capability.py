"""Capabilities annotated on tools: what the compiler binds agents to.

A :class:`Capability` names something a run may need (``"metrics.read"``)
and the tool that provides it. :class:`CapabilityIndex` holds the tools and
their annotations; the registry drops local protocols when a frame needs a
capability nobody provides, and the compiler gives each agent the tools of
the frame's capabilities.

```python
from locus import tool
from locus.router import Capability, CapabilityIndex, GoalFrame, TaskType


@tool
def read_metrics(service: str) -> str:
    \"\"\"Latency percentiles of a service.\"\"\"
    return f"{service}: p99 1.8s"


caps = CapabilityIndex([read_metrics])
caps.annotate(Capability(id="metrics.read", domain="payments", tool_name="read_metrics"))
frame = GoalFrame(primary_goal=TaskType.DIAGNOSE, domain="payments")
assert [t.name for _, t in caps.tools_for(frame)] == ["read_metrics"]
```
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from locus.core.errors import ValidationError
from locus.router.goal_frame import Risk

if TYPE_CHECKING:
    from locus.router.goal_frame import GoalFrame
    from locus.tools import Tool

__all__ = ["HUMAN_SENTINEL", "Capability", "CapabilityIndex"]

HUMAN_SENTINEL = "__human__"
"""``tool_name`` of a capability a person provides (an approver), not a tool."""


class Capability(BaseModel):
    """Something a run may need, and the tool that provides it.

    Attributes:
        id: Dotted id the frame's ``required_capabilities`` refer to.
        description: One line (shown in routing explanations).
        domain: Domain the capability belongs to.
        risk: What calling it could break.
        tool_name: Name of the tool providing it, or :data:`HUMAN_SENTINEL`.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    description: str = ""
    domain: str = "general"
    risk: Risk = Risk.LOW
    tool_name: str | None = None

    def is_human(self) -> bool:
        """Whether a person, not a tool, provides it."""
        return self.tool_name == HUMAN_SENTINEL


class CapabilityIndex:
    """Tools and the capabilities annotated on them.

    Args:
        tools: The tools (``@tool`` functions / :class:`~locus.tools.Tool`),
            as an iterable or a ``{name: tool}`` mapping.
        capabilities: Annotations to add right away (see :meth:`annotate`).
    """

    def __init__(
        self,
        tools: Iterable[Any] | Mapping[str, Any] = (),
        capabilities: Iterable[Capability] = (),
    ) -> None:
        from locus.tools import Tool

        values: Iterable[Any] = tools.values() if isinstance(tools, Mapping) else tools
        self._tools: dict[str, Tool] = {}
        for item in values:
            tool = item if isinstance(item, Tool) else Tool(item)
            self._tools[tool.name] = tool
        self._caps: dict[str, Capability] = {}
        for capability in capabilities:
            self.annotate(capability)

    def annotate(self, capability: Capability) -> Capability:
        """Add a capability; its ``tool_name`` must name a tool of the index (or a human).

        Raises:
            ValidationError: The tool is unknown, or the id is already annotated
                on another tool.
        """
        name = capability.tool_name
        if name is not None and name != HUMAN_SENTINEL and name not in self._tools:
            raise ValidationError(
                f"capability {capability.id!r} names tool {name!r}, which the index does not "
                f"hold; known tools: {sorted(self._tools)} (pass the tool to CapabilityIndex)"
            )
        existing = self._caps.get(capability.id)
        if existing is not None and existing != capability:
            raise ValidationError(
                f"capability {capability.id!r} is already annotated on {existing.tool_name!r}"
            )
        self._caps[capability.id] = capability
        return capability

    def lookup(self, capability_id: str) -> Capability | None:
        """The capability with this id, or ``None``."""
        return self._caps.get(capability_id)

    def for_domain(self, domain: str) -> list[Capability]:
        """Capabilities of a domain, in annotation order."""
        return [c for c in self._caps.values() if c.domain == domain]

    def all(self) -> list[Capability]:
        """Every capability, in annotation order."""
        return list(self._caps.values())

    def ids(self) -> frozenset[str]:
        """Ids of every capability."""
        return frozenset(self._caps)

    def resolve_tool(self, capability_id: str) -> Tool | None:
        """The tool providing a capability (``None`` for unknown ids and human capabilities)."""
        capability = self._caps.get(capability_id)
        if capability is None or capability.tool_name is None or capability.is_human():
            return None
        return self._tools.get(capability.tool_name)

    def missing(self, capability_ids: Iterable[str]) -> list[str]:
        """The ids nobody provides, in the order given."""
        return [c for c in capability_ids if c not in self._caps]

    def tools_for(self, frame: GoalFrame) -> list[tuple[Capability, Tool]]:
        """The tool-backed capabilities a run of ``frame`` gets, one entry per tool.

        The frame's ``required_capabilities`` when it names some; otherwise the
        capabilities of its domain; otherwise every tool-backed capability.
        """
        if frame.required_capabilities:
            chosen = [c for c in (self._caps.get(i) for i in frame.required_capabilities) if c]
        else:
            chosen = self.for_domain(frame.domain) or self.all()
        out: list[tuple[Capability, Tool]] = []
        seen: set[str] = set()
        for capability in chosen:
            tool = self.resolve_tool(capability.id)
            if tool is not None and tool.name not in seen:
                seen.add(tool.name)
                out.append((capability, tool))
        return out
