"""The CognitiveCompiler: frame -> auditable decision -> policy verdict -> Runnable.

```python
from locus.models import ScriptedModel
from locus.router import (
    CapabilityIndex, CognitiveCompiler, GoalFrame, PolicyGate, ProtocolRegistry,
    TaskType, builtin_protocols,
)

registry = ProtocolRegistry()
registry.register_many(builtin_protocols())
compiler = CognitiveCompiler(
    protocols=registry, capabilities=CapabilityIndex(), policy=PolicyGate(),
    model=ScriptedModel(["42"]),
)
decision = compiler.decide_sync(GoalFrame(primary_goal=TaskType.ANSWER))
assert decision.protocol_id == "direct_response"
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core.errors import ValidationError
from locus.observability import current_run_id
from locus.router._builtin_table import A2A_CAPABILITY
from locus.router._events import publish
from locus.router._gate import ApprovalCallback, ApprovalGate, GatedRunnable
from locus.router.goal_frame import GoalFrame
from locus.router.picker import PickerError
from locus.router.policy import PolicyDeniedError, PolicyVerdict
from locus.router.protocol import BuilderContext, CandidateReport, NoMatchingProtocolError
from locus.router.runnable import Runnable

if TYPE_CHECKING:
    from locus.router.capability import CapabilityIndex
    from locus.router.picker import LLMProtocolPicker
    from locus.router.policy import PolicyGate
    from locus.router.protocol import ProtocolRegistry
    from locus.router.runnable import RunnableResult
    from locus.router.skill_index import SkillIndex

__all__ = ["CognitiveCompiler", "RoutingDecision"]


class RoutingDecision(BaseModel):
    """Everything the router decided for one frame, and why.

    Attributes:
        frame: The frame.
        candidates: A report per registered protocol (kept first, best first).
        protocol_id: The pick.
        method: ``"rule_based"``, ``"llm"`` or ``"rule_based_fallback"``
            (the picker failed; its error is in ``rationale``).
        rationale: The picker's reason, or the rules' reasons for the pick.
        verdict: The PolicyGate's verdict on the pick.
    """

    model_config = ConfigDict(frozen=True)

    frame: GoalFrame
    candidates: list[CandidateReport] = Field(default_factory=list)
    protocol_id: str
    method: str = "rule_based"
    rationale: str = ""
    verdict: PolicyVerdict

    def explain(self) -> str:
        """Plain text: the frame, each protocol kept or dropped and why, the pick, the verdict."""
        f = self.frame
        lines = [
            f"frame: {f.primary_goal.value} in {f.domain!r}, risk {f.risk.value}, "
            f"complexity {f.complexity.value}, capabilities {f.required_capabilities}",
        ]
        for report in self.candidates:
            state = f"kept (score {report.score:g})" if report.kept else "dropped"
            lines.append(f"  {report.protocol_id}: {state}: {'; '.join(report.reasons)}")
        lines.append(f"picked: {self.protocol_id} ({self.method}) {self.rationale}".rstrip())
        lines.append(f"policy: {self.verdict.decision}: {self.verdict.reason}")
        return "\n".join(lines)


class CognitiveCompiler:
    """Picks a protocol for a frame and compiles it onto locus primitives.

    Args:
        protocols: The registry to pick from.
        capabilities: Tools and their capabilities.
        policy: The risk gate.
        model: The model of every agent it builds.
        skills: Skills listed to the agents of a frame's domain (any
            :class:`~locus.router.skill_index.SkillIndex`).
        a2a_endpoint: URL of a remote A2A agent: opts ``a2a_delegate`` in.
        on_approval: Answers approvals in-process; without it approval-gated
            runs pause and are resumed with :meth:`resume`.
        protocol_picker: Chooses among the kept candidates with a model.
        a2a_client: A ready A2A client (instead of one built from ``a2a_endpoint``).
        checkpointer: Where paused approval runs wait (default: in memory;
            a file or database checkpointer lets another process resume them).
    """

    def __init__(
        self,
        *,
        protocols: ProtocolRegistry,
        capabilities: CapabilityIndex,
        policy: PolicyGate,
        model: Any,
        skills: SkillIndex | None = None,
        a2a_endpoint: str | None = None,
        on_approval: ApprovalCallback | None = None,
        protocol_picker: LLMProtocolPicker | None = None,
        a2a_client: Any = None,
        checkpointer: Any = None,
    ) -> None:
        self.protocols = protocols
        self.capabilities = capabilities
        self.policy = policy
        self.model = model
        self.picker = protocol_picker
        self.context = BuilderContext(
            model=self.model,
            capabilities=capabilities,
            skills=skills,
            a2a_endpoint=a2a_endpoint,
            a2a_client=a2a_client,
        )
        opted_in = a2a_endpoint is not None or a2a_client is not None
        self._available = frozenset({A2A_CAPABILITY}) if opted_in else frozenset()
        self._gate = ApprovalGate(self._run_approved, checkpointer, on_approval)

    async def decide(self, frame: GoalFrame) -> RoutingDecision:
        """Select a protocol for ``frame`` and judge it (builds nothing).

        Raises:
            NoMatchingProtocolError: Every protocol was dropped.
        """
        reports = self.protocols.filter_candidates(
            frame, self.capabilities, available=self._available
        )
        kept = [r for r in reports if r.kept]
        if not kept:
            publish(
                "router.protocol.no_match",
                task_type=frame.primary_goal.value,
                risk=frame.risk.value,
                dropped={r.protocol_id: r.reasons for r in reports},
            )
            raise NoMatchingProtocolError(frame, reports)
        best, method, rationale = kept[0], "rule_based", "; ".join(kept[0].reasons)
        if self.picker is not None and len(kept) > 1:
            try:
                picked = await self.picker.pick(
                    frame, [self.protocols.get(r.protocol_id) for r in kept]
                )
                best = next(r for r in kept if r.protocol_id == picked.protocol_id)
                method, rationale = "llm", picked.rationale
            except PickerError as exc:
                method, rationale = "rule_based_fallback", str(exc)
                publish("router.picker.fallback", protocol_id=best.protocol_id, error=str(exc))
        protocol = self.protocols.get(best.protocol_id)
        verdict = self.policy.check(frame, protocol)
        if current_run_id() is not None:
            publish(
                "router.protocol.selected",
                protocol_id=protocol.id,
                score=best.score,
                method=method,
                candidates=[r.protocol_id for r in kept],
                dropped=[r.protocol_id for r in reports if not r.kept],
            )
            publish(
                "router.policy.checked",
                protocol_id=protocol.id,
                risk=frame.risk.value,
                decision=verdict.decision,
                reason=verdict.reason,
            )
        return RoutingDecision(
            frame=frame,
            candidates=reports,
            protocol_id=protocol.id,
            method=method,
            rationale=rationale,
            verdict=verdict,
        )

    def decide_sync(self, frame: GoalFrame) -> RoutingDecision:
        """Blocking :meth:`decide`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.decide(frame))

    def build(self, decision: RoutingDecision, *, thread_id: str | None = None) -> Runnable:
        """Compile a decision: the protocol's runnable, behind the approval gate when due.

        Args:
            decision: From :meth:`decide`.
            thread_id: Checkpoint thread of an approval-gated run (generated when unset).

        Raises:
            PolicyDeniedError: The verdict denies the run.
        """
        verdict = decision.verdict
        if not verdict.allow:
            raise PolicyDeniedError(verdict)
        protocol = self.protocols.get(decision.protocol_id)
        runnable = _checked(protocol.id, protocol.build(decision.frame, self.context))
        if verdict.require_approval:
            runnable = GatedRunnable(
                protocol_id=protocol.id,
                frame=decision.frame,
                inner=runnable,
                gate=self._gate,
                reason=verdict.reason,
                thread_id=thread_id,
            )
        if current_run_id() is not None:
            publish(
                "router.compiled",
                protocol_id=protocol.id,
                runtime=runnable.shape,
                tools=len(self.capabilities.tools_for(decision.frame)),
            )
        return runnable

    async def compile(self, frame: GoalFrame, *, thread_id: str | None = None) -> Runnable:
        """:meth:`decide` then :meth:`build`.

        Raises:
            NoMatchingProtocolError: Nothing fits the frame.
            PolicyDeniedError: The gate refuses it.
        """
        return self.build(await self.decide(frame), thread_id=thread_id)

    async def resume(self, thread_id: str, answer: Any) -> RunnableResult:
        """Answer a paused approval (``True`` / ``"approve"`` approves); the run then goes on.

        Works in any process whose compiler has the same protocols and checkpointer.
        """
        return await self._gate.resume(thread_id, answer)

    async def _run_approved(self, protocol_id: str, frame: GoalFrame, text: str) -> RunnableResult:
        runnable = _checked(protocol_id, self.protocols.get(protocol_id).build(frame, self.context))
        return await runnable.execute(text)


def _checked(protocol_id: str, runnable: Any) -> Runnable:
    """A builder's output, refused with the protocol's id unless it is a Runnable."""
    # the attributes Runnable declares (isinstance on a runtime Protocol costs ~50 µs)
    if not (
        callable(getattr(runnable, "execute", None))
        and hasattr(runnable, "protocol_id")
        and hasattr(runnable, "shape")
    ):
        raise ValidationError(
            f"protocol {protocol_id!r}'s builder returned {runnable!r}, which is not a Runnable "
            "(it needs a protocol_id, a shape property and async execute(text) -> RunnableResult; "
            "wrap primitives with locus.router.runnable.wrap_agent / wrap_pipeline / ...)"
        )
    checked: Runnable = runnable
    return checked
