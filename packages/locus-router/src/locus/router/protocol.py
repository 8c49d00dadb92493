"""Protocols and the registry that picks one for a frame, by rules you can read back.

A :class:`Protocol` declares what it handles, what it is the first choice
for, what it needs, the highest risk it accepts and what it costs. The
:class:`ProtocolRegistry` keeps or drops each one for a frame, with the
reasons, and picks the best kept one; :class:`NoMatchingProtocolError` when
nothing is kept.

Rules, in order (the first that fails drops the protocol):

1. it ``handles`` the frame's ``primary_goal``;
2. the frame's risk is at most its ``risk_max``;
3. every capability the frame requires is provided (only ``remote``
   protocols, which delegate to another agent, skip this);
4. its own ``requires_capabilities`` are available;
5. a ``needs_tools`` protocol has at least one tool for the frame.

Score of a kept protocol: 100 when it is ``primary_for`` the goal, plus 10
for each of the frame's needs it is built for (tools, several agents, code
with repair), minus ``cost + latency``. Ties go to the earlier registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel, Field

from locus.core.errors import LocusError, ValidationError
from locus.router._builtin_table import BUILTIN_PROTOCOLS
from locus.router._protocol_model import BuilderContext, Protocol
from locus.router.goal_frame import GoalFrame, risk_rank

if TYPE_CHECKING:
    from locus.router.capability import CapabilityIndex

__all__ = [
    "BuilderContext",
    "CandidateReport",
    "NoMatchingProtocolError",
    "Protocol",
    "ProtocolRegistry",
    "builtin_protocols",
]


class CandidateReport(BaseModel):
    """Why one protocol was kept or dropped for a frame.

    Attributes:
        protocol_id: The protocol.
        kept: Whether it stayed a candidate.
        reasons: What the rules found (why dropped, or what scored).
        score: Its score when kept (higher wins).
    """

    protocol_id: str
    kept: bool
    reasons: list[str] = Field(default_factory=list)
    score: float = 0.0


class NoMatchingProtocolError(LocusError, LookupError):
    """No registered protocol fits the frame.

    Attributes:
        frame: The frame.
        reports: Why each protocol was dropped.
    """

    kind: ClassVar[str] = "router_no_protocol"

    def __init__(self, frame: GoalFrame, reports: list[CandidateReport]) -> None:
        why = "; ".join(f"{r.protocol_id}: {', '.join(r.reasons)}" for r in reports) or (
            "the registry is empty (registry.register_many(builtin_protocols()))"
        )
        hint = ""
        if any("nobody provides" in reason for r in reports for reason in r.reasons):
            hint = (
                " Annotate a tool with the missing capability (CapabilityIndex.annotate), or "
                "give the compiler an a2a_endpoint so a remote agent can take it."
            )
        super().__init__(
            f"no protocol fits a {frame.primary_goal.value} request at risk "
            f"{frame.risk.value}: {why}.{hint}"
        )
        self.frame = frame
        self.reports = reports


class ProtocolRegistry:
    """The protocols the router may pick from, in registration order."""

    def __init__(self) -> None:
        self._protocols: dict[str, Protocol] = {}

    def register(self, protocol: Protocol, *, replace: bool = False) -> Protocol:
        """Add a protocol.

        Raises:
            ValidationError: Its id is taken (pass ``replace=True`` to override).
        """
        if not isinstance(protocol, Protocol):
            raise ValidationError(f"register() takes a locus.router.Protocol, got {protocol!r}")
        if protocol.id in self._protocols and not replace:
            raise ValidationError(
                f"protocol {protocol.id!r} is already registered (pass replace=True to override)"
            )
        self._protocols[protocol.id] = protocol
        return protocol

    def register_many(self, protocols: Iterable[Protocol], *, replace: bool = False) -> None:
        """Add several protocols."""
        for protocol in protocols:
            self.register(protocol, replace=replace)

    def get(self, protocol_id: str) -> Protocol:
        """The protocol with this id.

        Raises:
            ValidationError: Unknown id (the message lists the known ones).
        """
        protocol = self._protocols.get(protocol_id)
        if protocol is None:
            raise ValidationError(
                f"no protocol {protocol_id!r} is registered; known: {sorted(self._protocols)}"
            )
        return protocol

    def all(self) -> list[Protocol]:
        """Every protocol, in registration order."""
        return list(self._protocols.values())

    def __contains__(self, protocol_id: object) -> bool:
        return protocol_id in self._protocols

    def __len__(self) -> int:
        return len(self._protocols)

    def filter_candidates(
        self,
        frame: GoalFrame,
        capabilities: CapabilityIndex | None = None,
        *,
        available: Iterable[str] = (),
    ) -> list[CandidateReport]:
        """A report for every protocol: kept ones first, best score first.

        Args:
            frame: The request's frame.
            capabilities: The tools and their capabilities (none: no tools).
            available: More capability ids that exist (``"a2a.remote_agent"``
                when an A2A endpoint is configured).
        """
        have = set(available)
        missing: list[str] = list(frame.required_capabilities)
        has_tools = False
        if capabilities is not None:
            have |= capabilities.ids()
            missing = capabilities.missing(frame.required_capabilities)
            has_tools = bool(capabilities.tools_for(frame))
        kept: list[tuple[float, int, CandidateReport]] = []
        dropped: list[CandidateReport] = []
        for order, protocol in enumerate(self._protocols.values()):
            report = _judge(protocol, frame, missing, have, has_tools)
            if report.kept:
                kept.append((-report.score, order, report))
            else:
                dropped.append(report)
        kept.sort(key=lambda item: (item[0], item[1]))
        return [item[2] for item in kept] + dropped

    def select(
        self,
        frame: GoalFrame,
        capabilities: CapabilityIndex | None = None,
        *,
        available: Iterable[str] = (),
    ) -> Protocol:
        """The best kept protocol.

        Raises:
            NoMatchingProtocolError: Every protocol was dropped.
        """
        reports = self.filter_candidates(frame, capabilities, available=available)
        if not reports or not reports[0].kept:
            raise NoMatchingProtocolError(frame, reports)
        return self._protocols[reports[0].protocol_id]


def _judge(
    protocol: Protocol, frame: GoalFrame, missing: list[str], have: set[str], has_tools: bool
) -> CandidateReport:
    goal = frame.primary_goal
    pid = protocol.id
    if goal not in protocol.handles:
        return CandidateReport(protocol_id=pid, kept=False, reasons=[f"does not handle {goal}"])
    if risk_rank(frame.risk) > risk_rank(protocol.risk_max):
        reason = f"risk {frame.risk.value} is above its risk_max {protocol.risk_max.value}"
        return CandidateReport(protocol_id=pid, kept=False, reasons=[reason])
    if missing and not protocol.remote:
        reason = f"needs capabilities nobody provides: {missing}"
        return CandidateReport(protocol_id=pid, kept=False, reasons=[reason])
    lacking = sorted(protocol.requires_capabilities - have)
    if lacking:
        return CandidateReport(protocol_id=pid, kept=False, reasons=[f"requires {lacking}"])
    if protocol.needs_tools and not has_tools:
        reason = f"binds agents to tools and no tool serves domain {frame.domain!r}"
        return CandidateReport(protocol_id=pid, kept=False, reasons=[reason])
    score = float(-(protocol.cost + protocol.latency))
    reasons = [f"handles {goal}", f"cost+latency {protocol.cost + protocol.latency}"]
    if goal in protocol.primary_for:
        score += 100
        reasons.append(f"primary for {goal}")
    for wanted, built, what in (
        (frame.requires_tools, protocol.needs_tools, "tools"),
        (frame.requires_multi_agent, protocol.multi_agent, "several agents"),
        (frame.requires_code_generation, protocol.supports_repair, "code with repair"),
    ):
        if wanted and built:
            score += 10
            reasons.append(f"fits the need for {what}")
    return CandidateReport(protocol_id=pid, kept=True, reasons=reasons, score=score)


def builtin_protocols() -> list[Protocol]:
    """The eight built-in protocols, in the seed's order (immutable; share them freely)."""
    return list(BUILTIN_PROTOCOLS)
