"""Router: request text -> GoalFrame -> decision -> verdict -> compiled runtime -> result."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from locus.core.errors import LocusError
from locus.core.events import preview
from locus.router._events import frame_data, publish
from locus.router.compiler import CognitiveCompiler, RoutingDecision
from locus.router.goal_frame import GoalFrame
from locus.router.policy import PolicyDeniedError, PolicyVerdict
from locus.router.runnable import RunnableResult

if TYPE_CHECKING:
    from locus.agent import Agent

__all__ = ["DispatchResult", "FrameExtractionError", "Router"]


class FrameExtractionError(LocusError, RuntimeError):
    """The extractor did not produce a valid GoalFrame; nothing was run.

    Attributes:
        text: The request.
    """

    kind: ClassVar[str] = "router_frame_extraction"

    def __init__(self, text: str, reason: str, *, cause: BaseException | None = None) -> None:
        super().__init__(
            f"could not turn the request into a GoalFrame: {reason} (check the extractor's "
            "model and prompt; pass dispatch(text, frame=GoalFrame(...)) to skip extraction)",
            cause=cause,
        )
        self.text = text


class DispatchResult(BaseModel):
    """What :meth:`Router.dispatch` returns.

    Attributes:
        protocol_id: The protocol that ran.
        text: The final answer ('' while awaiting approval or when rejected).
        frame: The request's frame.
        verdict: The PolicyGate's verdict.
        decision: The whole routing decision (``decision.explain()``).
        result: The runnable's result (``status``, ``thread_id``, ``raw``...).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    protocol_id: str
    text: str
    frame: GoalFrame
    verdict: PolicyVerdict
    decision: RoutingDecision | None = None
    result: RunnableResult

    @property
    def status(self) -> str:
        """``"completed"``, ``"awaiting_approval"`` or ``"rejected"``."""
        return self.result.status

    @property
    def thread_id(self) -> str | None:
        """The checkpoint thread of an approval-gated run."""
        return self.result.thread_id


class Router:
    """Describe the task; the router frames it, picks a protocol and runs it.

    Args:
        extractor: An ``Agent(output_schema=GoalFrame)``.
        compiler: The :class:`~locus.router.compiler.CognitiveCompiler`.
        on_frame: Called with each extracted frame (logging, overrides by mutation are ignored).
    """

    def __init__(
        self,
        *,
        extractor: Agent,
        compiler: CognitiveCompiler,
        on_frame: Callable[[GoalFrame], None] | None = None,
    ) -> None:
        self.extractor = extractor
        self.compiler = compiler
        self.on_frame = on_frame

    async def extract(self, text: str) -> GoalFrame:
        """The request's frame, from the extractor.

        Raises:
            FrameExtractionError: The extractor failed or returned no valid frame.
        """
        try:
            result = await self.extractor.invoke(text)
        except LocusError as exc:
            publish("router.goal.failed", goal_preview=preview(text), error=str(exc))
            raise FrameExtractionError(text, str(exc), cause=exc) from exc
        frame = result.structured_output
        if not isinstance(frame, GoalFrame):
            reason = (
                "the extractor has no output_schema=GoalFrame"
                if frame is None
                else f"the extractor returned {type(frame).__name__}, not GoalFrame"
            )
            publish("router.goal.failed", goal_preview=preview(text), error=reason)
            raise FrameExtractionError(text, reason)
        publish("router.goal.extracted", **frame_data(text, frame))
        if self.on_frame is not None:
            self.on_frame(frame.model_copy())
        return frame

    async def dispatch(
        self, text: str, *, frame: GoalFrame | None = None, thread_id: str | None = None
    ) -> DispatchResult:
        """Route and run one request.

        Args:
            text: The request.
            frame: A frame to use instead of extracting one.
            thread_id: Checkpoint thread for an approval-gated run.

        Raises:
            FrameExtractionError: No frame could be extracted.
            NoMatchingProtocolError: No protocol fits (the error lists why each was dropped).
            PolicyDeniedError: The PolicyGate refused the run.
        """
        started = time.perf_counter()
        if frame is None:
            frame = await self.extract(text)
        decision = await self.compiler.decide(frame)
        if not decision.verdict.allow:
            raise PolicyDeniedError(decision.verdict)
        runnable = self.compiler.build(decision, thread_id=thread_id)
        result = await runnable.execute(text)
        publish(
            "router.dispatch.completed",
            protocol_id=decision.protocol_id,
            status=result.status,
            text_preview=preview(result.text),
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        return DispatchResult(
            protocol_id=decision.protocol_id,
            text=result.text,
            frame=frame,
            verdict=decision.verdict,
            decision=decision,
            result=result,
        )

    def dispatch_sync(
        self, text: str, *, frame: GoalFrame | None = None, thread_id: str | None = None
    ) -> DispatchResult:
        """Blocking :meth:`dispatch`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.dispatch(text, frame=frame, thread_id=thread_id))

    async def resume(self, thread_id: str, answer: Any = True) -> DispatchResult:
        """Answer a run paused for approval and let it finish (from any process).

        Args:
            thread_id: ``result.thread_id`` of the paused dispatch.
            answer: ``True`` / ``"approve"`` approves; anything else rejects.
        """
        started = time.perf_counter()
        result = await self.compiler.resume(thread_id, answer)
        assert result.frame is not None
        protocol = self.compiler.protocols.get(result.protocol_id)
        verdict = self.compiler.policy.check(result.frame, protocol)
        publish(
            "router.dispatch.completed",
            protocol_id=result.protocol_id,
            status=result.status,
            text_preview=preview(result.text),
            duration_ms=(time.perf_counter() - started) * 1000,
        )
        return DispatchResult(
            protocol_id=result.protocol_id,
            text=result.text,
            frame=result.frame,
            verdict=verdict,
            result=result,
        )
