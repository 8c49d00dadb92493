"""The PolicyGate: may a frame run under a protocol, and does it need a human's approval?"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from pydantic import BaseModel

from locus.core.errors import LocusError
from locus.router.goal_frame import Risk, risk_rank

if TYPE_CHECKING:
    from locus.router.goal_frame import GoalFrame
    from locus.router.protocol import Protocol

__all__ = ["PolicyDeniedError", "PolicyGate", "PolicyVerdict"]


class PolicyDeniedError(LocusError, RuntimeError):
    """The PolicyGate refused the run; nothing was executed.

    Attributes:
        verdict: The refusal, with its reason.
    """

    kind: ClassVar[str] = "router_policy_denied"

    def __init__(self, verdict: PolicyVerdict) -> None:
        super().__init__(
            f"policy denied the run: {verdict.reason} (raise PolicyGate(max_risk=...) if this "
            "risk is acceptable, or lower the request's scope)"
        )
        self.verdict = verdict


class PolicyVerdict(BaseModel):
    """What the gate decided.

    Attributes:
        allow: The run may go ahead (possibly after approval).
        require_approval: A human (or ``on_approval``) must approve it first.
        reason: Why, in one sentence.
    """

    allow: bool
    require_approval: bool = False
    reason: str = ""

    @property
    def decision(self) -> str:
        """``"deny"``, ``"approval_required"`` or ``"allow"``."""
        if not self.allow:
            return "deny"
        return "approval_required" if self.require_approval else "allow"


class PolicyGate:
    """Risk thresholds for routed runs.

    Args:
        max_risk: Frames above this risk are denied.
        require_approval_above: Frames above this risk run only after approval.
    """

    def __init__(
        self, *, max_risk: Risk = Risk.HIGH, require_approval_above: Risk = Risk.MEDIUM
    ) -> None:
        self.max_risk = Risk(max_risk)
        self.require_approval_above = Risk(require_approval_above)

    def check(self, frame: GoalFrame, protocol: Protocol) -> PolicyVerdict:
        """Judge ``frame`` run under ``protocol``.

        Denied when the frame's risk is above ``max_risk`` or above the
        protocol's ``risk_max``. Approval is required when the risk is above
        ``require_approval_above``, when the frame asks for it, or when the
        protocol is approval-gated by nature.
        """
        risk = risk_rank(frame.risk)
        if risk > risk_rank(self.max_risk):
            return PolicyVerdict(
                allow=False,
                reason=(
                    f"risk {frame.risk.value} is above the gate's max_risk {self.max_risk.value}"
                ),
            )
        if risk > risk_rank(protocol.risk_max):
            return PolicyVerdict(
                allow=False,
                reason=(
                    f"risk {frame.risk.value} is above protocol {protocol.id!r}'s "
                    f"risk_max {protocol.risk_max.value}"
                ),
            )
        if risk > risk_rank(self.require_approval_above):
            reason = (
                f"risk {frame.risk.value} is above require_approval_above "
                f"{self.require_approval_above.value}"
            )
            return PolicyVerdict(allow=True, require_approval=True, reason=reason)
        if frame.approval_required:
            return PolicyVerdict(
                allow=True, require_approval=True, reason="the request asks for approval"
            )
        if protocol.approval_gated:
            return PolicyVerdict(
                allow=True,
                require_approval=True,
                reason=f"protocol {protocol.id!r} always runs behind an approval",
            )
        return PolicyVerdict(
            allow=True, reason=f"risk {frame.risk.value} is within the gate's thresholds"
        )
