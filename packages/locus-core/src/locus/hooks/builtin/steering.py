"""``SteeringHook``: inspect a proposed tool call or answer and allow, rewrite or redirect it.

A *judge* decides: a Python function of the :class:`SteeringContext` and the
proposal, or a model asked to return a :class:`SteeringDecision` as JSON
against a written policy. The decision is applied through the ordinary hook
decisions, so the loop needs nothing special:

- ``PROCEED``: run the call / keep the answer.
- ``REWRITE``: run the call with ``arguments`` instead / replace the answer
  with ``answer``.
- ``GUIDE`` (redirect): do not run the call; the model gets ``guidance`` as
  the call's result and chooses again. For an answer, the caller gets the
  guidance instead of the answer.

Each decision is published as ``agent.steering.decided``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from locus.core.messages import Message
from locus.hooks._base import (
    AfterModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
    ToolCallDecision,
)
from locus.hooks._per_run import PerRun

__all__ = [
    "SteeringAction",
    "SteeringContext",
    "SteeringDecision",
    "SteeringHook",
]


class SteeringAction(StrEnum):
    """What the judge decided."""

    PROCEED = "proceed"
    REWRITE = "rewrite"
    GUIDE = "guide"


@dataclass(frozen=True)
class SteeringDecision:
    """A judge's verdict on one proposal.

    Attributes:
        action: Proceed, rewrite or guide.
        reason: Why (shown in events and to the model).
        guidance: For ``GUIDE``: what the model (or the caller) should do instead.
        arguments: For ``REWRITE`` of a tool call: the arguments to use.
        answer: For ``REWRITE`` of an answer: the text to return.
        timestamp: When it was decided.
    """

    action: SteeringAction
    reason: str = ""
    guidance: str = ""
    arguments: dict[str, Any] | None = None
    answer: str | None = None
    timestamp: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def proceed(cls, reason: str = "") -> SteeringDecision:
        """Allow the proposal."""
        return cls(SteeringAction.PROCEED, reason)

    @classmethod
    def rewrite(
        cls, *, arguments: dict[str, Any] | None = None, answer: str | None = None, reason: str = ""
    ) -> SteeringDecision:
        """Replace the call's arguments, or the answer's text."""
        return cls(SteeringAction.REWRITE, reason, arguments=arguments, answer=answer)

    @classmethod
    def guide(cls, guidance: str, reason: str = "") -> SteeringDecision:
        """Refuse the proposal and say what to do instead."""
        return cls(SteeringAction.GUIDE, reason, guidance=guidance)


@dataclass
class SteeringContext:
    """What the judge knows about the run so far.

    Attributes:
        tool_calls: Tool calls proposed so far in this run (name, arguments, action).
        model_calls: Answers evaluated so far in this run.
        policy: The written policy the judge applies.
    """

    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    model_calls: int = 0
    policy: str = ""

    def record_tool_call(self, name: str, arguments: dict[str, Any], action: str) -> None:
        """Remember a proposed call and what was decided."""
        self.tool_calls.append({"tool": name, "arguments": arguments, "action": action})

    def to_prompt(self, proposal: dict[str, Any]) -> str:
        """The judge model's prompt: policy, history and the proposal, as text."""
        history = json.dumps(self.tool_calls[-20:], default=str)
        return (
            f"Policy:\n{self.policy}\n\nTool calls so far: {history}\n\n"
            f"Proposal: {json.dumps(proposal, default=str)}\n\n"
            'Answer with JSON: {"action": "proceed" | "rewrite" | "guide", "reason": str, '
            '"guidance": str, "arguments": object | null, "answer": str | null}'
        )


Judge = Callable[
    [SteeringContext, dict[str, Any]], "SteeringDecision | Awaitable[SteeringDecision]"
]


class SteeringHook(HookProvider):
    """Let a judge allow, rewrite or redirect tool calls (and optionally answers).

    Args:
        judge: ``judge(context, proposal) -> SteeringDecision`` (sync or async).
            ``proposal`` is ``{"kind": "tool_call", "tool", "arguments"}`` or
            ``{"kind": "answer", "text"}``.
        model: Instead of ``judge``: a model asked with ``policy`` to answer
            with a decision as JSON. An unreadable verdict proceeds (and is
            published with ``action="proceed"`` and the parse error as reason).
        policy: The written policy for the model judge.
        evaluate_tools: Judge tool calls.
        evaluate_responses: Judge final answers (turns without tool calls).
        priority: Hook order (default ``HookPriority.HIGH``).
        max_runs: Runs whose contexts are kept in memory (oldest dropped first).

    Each run has its own :class:`SteeringContext`, keyed by ``state.run_id``:
    with concurrent runs of one agent the judge sees only the run it judges
    (``test_each_run_has_its_own_steering_context``). :attr:`decisions` is
    the log of every run's decisions.

    Raises:
        locus.core.errors.ValidationError: neither or both of ``judge`` and ``model``.
    """

    name = "SteeringHook"

    def __init__(
        self,
        judge: Judge | None = None,
        *,
        model: Any = None,
        policy: str = "",
        evaluate_tools: bool = True,
        evaluate_responses: bool = False,
        priority: int = HookPriority.HIGH,
        max_runs: int = 1000,
    ) -> None:
        if (judge is None) == (model is None):
            from locus.core.errors import ValidationError

            raise ValidationError(
                "SteeringHook needs exactly one judge: a function judge(context, proposal) "
                "or model=<a model> with policy='...'"
            )
        self.judge = judge
        self.model = model
        self.policy = policy
        self._contexts: PerRun[SteeringContext] = PerRun(max_runs)
        self._idle = SteeringContext(policy=policy)
        self.evaluate_tools = evaluate_tools
        self.evaluate_responses = evaluate_responses
        self.priority = priority
        self.decisions: list[SteeringDecision] = []

    @property
    def context(self) -> SteeringContext:
        """The context of the run seen last (an empty one before any run).

        Handy with one run at a time; with concurrent runs use :meth:`context_for`.
        """
        latest = self._contexts.latest
        return latest if latest is not None else self._idle

    def context_for(self, run_id: str) -> SteeringContext | None:
        """The context of run ``run_id``, while it is kept (``max_runs``)."""
        return self._contexts.get(run_id)

    def _context(self, run_id: str) -> SteeringContext:
        return self._contexts.setdefault(run_id, lambda: SteeringContext(policy=self.policy))

    async def before_tool_call(self, event: BeforeToolCallEvent) -> ToolCallDecision | None:
        if not self.evaluate_tools:
            return None
        name = event.tool_call.name
        context = self._context(event.state.run_id)
        proposal = {"kind": "tool_call", "tool": name, "arguments": dict(event.arguments)}
        decision = await self._decide(proposal, context)
        context.record_tool_call(name, dict(event.arguments), decision.action.value)
        if decision.action is SteeringAction.REWRITE and decision.arguments is not None:
            return ToolCallDecision.replace(decision.arguments)
        if decision.action is SteeringAction.GUIDE:
            reason = decision.reason or "redirected by the steering policy"
            return ToolCallDecision.block(
                reason, result=f"Not run ({reason}). Guidance: {decision.guidance}"
            )
        return None

    async def after_model_call(self, event: AfterModelCallEvent) -> Any:
        response = event.response
        if not self.evaluate_responses or response.message.tool_calls:
            return None
        context = self._context(event.state.run_id)
        context.model_calls += 1
        proposal = {"kind": "answer", "text": response.message.content or ""}
        decision = await self._decide(proposal, context)
        text = None
        if decision.action is SteeringAction.REWRITE and decision.answer is not None:
            text = decision.answer
        elif decision.action is SteeringAction.GUIDE:
            text = decision.guidance
        if text is None:
            return None
        return response.model_copy(update={"message": Message.assistant(text)})

    async def _decide(self, proposal: dict[str, Any], context: SteeringContext) -> SteeringDecision:
        if self.judge is not None:
            verdict = self.judge(context, proposal)
            decision = await verdict if inspect.isawaitable(verdict) else verdict
        else:
            decision = await self._ask_model(proposal, context)
        if not isinstance(decision, SteeringDecision):
            from locus.core.errors import ValidationError

            raise ValidationError(
                f"the steering judge returned {decision!r}; return a SteeringDecision "
                "(SteeringDecision.proceed(), .rewrite(...), .guide(...))"
            )
        self.decisions.append(decision)
        from locus.observability import emit

        emit(
            "agent.steering.decided",
            kind=proposal["kind"],
            tool_name=proposal.get("tool"),
            action=decision.action.value,
            reason=decision.reason,
        )
        return decision

    async def _ask_model(
        self, proposal: dict[str, Any], context: SteeringContext
    ) -> SteeringDecision:
        messages = [
            Message.system("You review an AI agent's actions against a policy."),
            Message.user(context.to_prompt(proposal)),
        ]
        response = await self.model.complete(messages, None)
        text = (response.message.content or "").strip()
        try:
            data = json.loads(text[text.find("{") : text.rfind("}") + 1])
            arguments, answer = data.get("arguments"), data.get("answer")
            return SteeringDecision(
                SteeringAction(data.get("action", "proceed")),
                reason=str(data.get("reason") or ""),
                guidance=str(data.get("guidance") or ""),
                arguments=arguments if isinstance(arguments, dict) else None,
                answer=answer if isinstance(answer, str) else None,
            )
        except (ValueError, AttributeError) as exc:
            return SteeringDecision.proceed(f"unreadable steering verdict: {exc}")
