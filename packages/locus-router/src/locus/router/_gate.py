"""The approval gate: a two-node graph (approve -> execute) paused by ``interrupt()``.

The request, protocol id and frame live in the graph state, so the
checkpoint holds everything the run needs: any process holding a compiler
with the same protocols and the same checkpointer resumes it with
``Command(resume=answer)``; the ``execute`` node builds the protocol's
runnable then.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypedDict

from pydantic import BaseModel, ConfigDict

from locus.core.command import Command
from locus.core.interrupt import GraphInterrupted, InterruptHandler, InterruptValue, interrupt
from locus.multiagent.graph import END, START, StateGraph
from locus.router._events import publish
from locus.router.goal_frame import GoalFrame, Risk
from locus.router.runnable import RunnableResult

__all__ = ["ApprovalCallback", "ApprovalGate", "ApprovalRequest", "GatedRunnable"]

_YES = {"approve", "approved", "yes", "y", "ok", "true"}


class ApprovalRequest(BaseModel):
    """What an approver is asked (the interrupt's payload).

    Attributes:
        protocol_id: The protocol that will run once approved.
        request: The user's request.
        risk: The frame's risk.
        reason: Why approval is needed (the PolicyVerdict's reason).
        frame: The whole frame.
    """

    model_config = ConfigDict(extra="ignore")

    protocol_id: str
    request: str
    risk: Risk
    reason: str
    frame: GoalFrame


ApprovalCallback = Callable[[ApprovalRequest], bool | str | Awaitable[bool | str]]
"""``on_approval(request) -> True/False`` (or ``"approve"`` / anything else), sync or async."""

RunInner = Callable[[str, GoalFrame, str], Awaitable[RunnableResult]]


def is_approval(answer: Any) -> bool:
    """Whether an approver's answer approves (``True``, ``"approve"``, ``{"approved": True}``)."""
    if isinstance(answer, dict):
        answer = answer.get("approved", answer.get("decision"))
    if isinstance(answer, bool):
        return answer
    return isinstance(answer, str) and answer.strip().lower() in _YES


class _State(TypedDict, total=False):
    request: str
    protocol_id: str
    frame: dict[str, Any]
    reason: str
    approved: bool
    text: str


class _CallbackHandler(InterruptHandler):
    def __init__(self, callback: ApprovalCallback) -> None:
        self.callback = callback

    async def handle(self, interrupt: InterruptValue) -> Any:
        answer = self.callback(ApprovalRequest.model_validate(interrupt.payload))
        if inspect.isawaitable(answer):
            answer = await answer
        return answer

    async def can_handle(self, interrupt: InterruptValue) -> bool:
        payload = interrupt.payload
        return isinstance(payload, dict) and payload.get("kind") == "router.approval"


class ApprovalGate:
    """The compiled approve -> execute graph of one compiler.

    Args:
        run_inner: ``await run_inner(protocol_id, frame, request)`` builds and
            runs the protocol once approved.
        checkpointer: Where paused runs wait (a file or database one to
            resume from another process).
        on_approval: Answers approvals in-process; without it runs pause.
    """

    def __init__(
        self, run_inner: RunInner, checkpointer: Any, on_approval: ApprovalCallback | None
    ) -> None:
        self._run_inner = run_inner
        self._handler = _CallbackHandler(on_approval) if on_approval is not None else None
        graph = StateGraph(_State)
        graph.add_node("approve", self._approve)
        graph.add_node("execute", self._execute)
        graph.add_edge(START, "approve")
        graph.add_conditional_edges("approve", self._route, ["execute", END])
        graph.add_edge("execute", END)
        self.graph = graph.compile(checkpointer, name="router_approval")

    @staticmethod
    def _approve(state: _State) -> dict[str, Any]:
        payload = {
            "kind": "router.approval",
            "protocol_id": state["protocol_id"],
            "request": state["request"],
            "risk": state["frame"]["risk"],
            "reason": state["reason"],
            "frame": state["frame"],
        }
        approved = is_approval(interrupt(payload))
        publish(
            "router.approval.answered",
            protocol_id=state["protocol_id"],
            approved=approved,
        )
        return {"approved": approved}

    @staticmethod
    def _route(state: _State) -> str:
        return "execute" if state.get("approved") else END

    async def _execute(self, state: _State) -> dict[str, Any]:
        frame = GoalFrame.model_validate(state["frame"])
        result = await self._run_inner(state["protocol_id"], frame, state["request"])
        return {"text": result.text}

    def _result(self, values: dict[str, Any], thread_id: str) -> RunnableResult:
        approved = bool(values.get("approved"))
        return RunnableResult(
            text=str(values.get("text", "")) if approved else "",
            raw=dict(values),
            protocol_id=str(values["protocol_id"]),
            frame=GoalFrame.model_validate(values["frame"]),
            status="completed" if approved else "rejected",
            thread_id=thread_id,
        )

    async def start(
        self, protocol_id: str, frame: GoalFrame, request: str, reason: str, thread_id: str
    ) -> RunnableResult:
        """Ask for approval, then run (or pause, returning ``awaiting_approval``)."""
        state = {
            "request": request,
            "protocol_id": protocol_id,
            "frame": frame.model_dump(mode="json"),
            "reason": reason,
        }
        return await self._invoke(state, thread_id, protocol_id, frame)

    async def resume(self, thread_id: str, answer: Any) -> RunnableResult:
        """Answer a paused run's approval: it runs when ``answer`` approves."""
        return await self._invoke(Command(resume=answer), thread_id, None, None)

    async def _invoke(
        self, input: Any, thread_id: str, protocol_id: str | None, frame: GoalFrame | None
    ) -> RunnableResult:
        try:
            values = await self.graph.ainvoke(
                input, thread_id=thread_id, interrupt_handler=self._handler
            )
        except GraphInterrupted as paused:
            payload = paused.interrupt.payload
            publish(
                "router.approval.required",
                protocol_id=payload["protocol_id"],
                risk=payload["risk"],
                reason=payload["reason"],
                thread_id=thread_id,
            )
            return RunnableResult(
                protocol_id=protocol_id or payload["protocol_id"],
                frame=frame or GoalFrame.model_validate(payload["frame"]),
                status="awaiting_approval",
                thread_id=thread_id,
                interrupts=[i.to_display() for i in paused.interrupts],
            )
        return self._result(values, thread_id)


class GatedRunnable(BaseModel):
    """A protocol behind the approval gate (what the compiler returns when approval is due).

    ``inner`` is the protocol's runnable as compiled, for inspection; once
    approved, the ``execute`` node builds it again from the checkpointed
    frame, which is what lets any process resume the run.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    protocol_id: str
    frame: GoalFrame
    inner: Any
    gate: Any
    reason: str
    thread_id: str | None = None

    @property
    def shape(self) -> str:
        """``ApprovalGate -> <inner shape>``."""
        return f"ApprovalGate -> {self.inner.shape}"

    async def execute(self, text: str) -> RunnableResult:
        """Ask for approval (checkpointed under ``thread_id``, generated when unset), then run."""
        thread_id = self.thread_id or f"router-{uuid.uuid4().hex[:12]}"
        gate: ApprovalGate = self.gate
        return await gate.start(self.protocol_id, self.frame, text, self.reason, thread_id)
