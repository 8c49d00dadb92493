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
- ``INTERRUPT`` (tool calls only): pause the run before the call, as a
  tool's :func:`~locus.core.interrupt.interrupt` does: the run stops with
  ``Interrupted(<tool>)`` and an interrupt whose payload carries the reason
  and the question (``guidance``). Resuming the thread with the human's
  answer runs the call (``"approve"``), skips it (``"no"``), rewrites it
  (``{"action": "rewrite", "arguments": {...}}``) or redirects the model
  (any other text); see :func:`decision_from_answer`.

The judge decides once per tool call: the decision is kept in the run's
state (``state.metadata["locus_steering"]``, by tool call id, until the call
finishes), so a resumed call, in this process or another one sharing the
checkpointer, is not judged again and runs at most once.

Each decision is published as ``agent.steering.decided``.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from locus.core.errors import ValidationError
from locus.core.interrupt import interrupt
from locus.core.messages import Message
from locus.hooks._base import (
    AfterModelCallEvent,
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
    ToolCallDecision,
)
from locus.hooks._per_run import PerRun
from locus.hooks.builtin._steering_decisions import (
    DECISIONS_KEY,
    SteeringAction,
    SteeringDecision,
    decision_from_answer,
    steering_record,
    tool_decision,
)
from locus.loop.nodes import INTERRUPTS_KEY

__all__ = [
    "SteeringAction",
    "SteeringContext",
    "SteeringDecision",
    "SteeringHook",
    "decision_from_answer",
]


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
            f'Answer with JSON: {{"action": {_actions(proposal)}, "reason": str, '
            '"guidance": str, "arguments": object | null, "answer": str | null}'
        )


def _actions(proposal: dict[str, Any]) -> str:
    """The actions a judge may answer for ``proposal`` (only a tool call can be paused)."""
    names = ["proceed", "rewrite", "guide"]
    if proposal.get("kind") == "tool_call":
        names.append("interrupt")
    return " | ".join(f'"{n}"' for n in names)


Judge = Callable[
    [SteeringContext, dict[str, Any]], "SteeringDecision | Awaitable[SteeringDecision]"
]


class SteeringHook(HookProvider):
    """Let a judge allow, rewrite, redirect or pause tool calls (and optionally check answers).

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
        interrupt_tools: Names of tools whose every call pauses for a human
            (``INTERRUPT``) without asking the judge. With it, ``judge`` and
            ``model`` may both be omitted: other calls then proceed.
        priority: Hook order (default ``HookPriority.HIGH``).
        max_runs: Runs whose contexts are kept in memory (oldest dropped first).

    ``INTERRUPT`` pauses the run like a tool's ``interrupt()`` (see
    ``docs/interrupts.md``): give the agent a checkpointer and answer with
    ``agent.resume(thread_id, answer=...)`` (or ``Command(resume=...)``); the
    answer is read by :func:`decision_from_answer`. A judge returning
    ``INTERRUPT`` for an answer raises ``ValidationError`` (a model judge's
    verdict proceeds instead).

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
        interrupt_tools: Iterable[str] | None = None,
        priority: int = HookPriority.HIGH,
        max_runs: int = 1000,
    ) -> None:
        self.interrupt_tools = frozenset(interrupt_tools or ())
        if judge is not None and model is not None:
            raise ValidationError(
                "SteeringHook takes one judge: a function judge(context, proposal) "
                "or model=<a model> with policy='...', not both"
            )
        if judge is None and model is None and not self.interrupt_tools:
            raise ValidationError(
                "SteeringHook needs a judge: a function judge(context, proposal), "
                "model=<a model> with policy='...', or interrupt_tools={...}"
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

    def before_invocation(self, event: BeforeInvocationEvent) -> None:
        # A resumed run keeps the decisions of the calls it paused; a new run on the
        # thread abandoned them (their calls will never run), so they are dropped.
        decided = event.state.metadata.get(DECISIONS_KEY)
        if not isinstance(decided, dict):
            return
        paused = event.state.metadata.get(INTERRUPTS_KEY) or {}
        for call_id in [call_id for call_id in decided if call_id not in paused]:
            del decided[call_id]
        if not decided:
            del event.state.metadata[DECISIONS_KEY]

    async def before_tool_call(self, event: BeforeToolCallEvent) -> ToolCallDecision | None:
        name = event.tool_call.name
        paused = name in self.interrupt_tools
        if not paused and (not self.evaluate_tools or (self.judge is None and self.model is None)):
            return None
        decided: dict[str, Any] = event.state.metadata.setdefault(DECISIONS_KEY, {})
        record = decided.get(event.tool_call.id)
        if record is None:  # not judged yet (a resumed call was: its decision stands)
            arguments = dict(event.arguments)
            context = self._context(event.state.run_id)
            proposal = {"kind": "tool_call", "tool": name, "arguments": arguments}
            if paused:
                decision = self._publish(
                    SteeringDecision.interrupt(f"{name} is in interrupt_tools"), proposal
                )
            else:
                decision = await self._decide(proposal, context)
            context.record_tool_call(name, arguments, decision.action.value)
            record = steering_record(decision, name, arguments)
            decided[event.tool_call.id] = record
        if record["action"] == SteeringAction.INTERRUPT:
            # raises InterruptException (the run pauses) until the thread is resumed with an answer
            answer = interrupt(record["payload"], source="steering")
            human = decision_from_answer(answer)
            if not record.get("answered"):
                record["answered"] = True
                proposal = {"kind": "tool_call", "tool": name, "arguments": record["arguments"]}
                self._publish(human, proposal)
            return tool_decision(human.action, human.reason, human.guidance, human.arguments)
        return tool_decision(
            SteeringAction(record["action"]),
            record["reason"],
            record["guidance"],
            record["arguments"],
        )

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        decided = event.state.metadata.get(DECISIONS_KEY)
        if isinstance(decided, dict):
            decided.pop(event.tool_call.id, None)  # the call finished: its decision is spent
            if not decided:
                del event.state.metadata[DECISIONS_KEY]

    async def after_model_call(self, event: AfterModelCallEvent) -> Any:
        response = event.response
        if not self.evaluate_responses or response.message.tool_calls:
            return None
        context = self._context(event.state.run_id)
        context.model_calls += 1
        proposal = {"kind": "answer", "text": response.message.content or ""}
        decision = await self._decide(proposal, context)
        if decision.action is SteeringAction.INTERRUPT:
            raise ValidationError(
                "the steering judge returned INTERRUPT for an answer; only a tool call can "
                "be paused for a human. Return proceed, rewrite(answer=...) or guide(...)"
            )
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
            raise ValidationError(
                f"the steering judge returned {decision!r}; return a SteeringDecision "
                "(SteeringDecision.proceed(), .rewrite(...), .guide(...), .interrupt(...))"
            )
        return self._publish(decision, proposal)

    def _publish(self, decision: SteeringDecision, proposal: dict[str, Any]) -> SteeringDecision:
        """Log ``decision`` in :attr:`decisions` and publish it as ``agent.steering.decided``."""
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
            action = SteeringAction(data.get("action", "proceed"))
            if action is SteeringAction.INTERRUPT and proposal["kind"] != "tool_call":
                return SteeringDecision.proceed("interrupt applies to tool calls; answer kept")
            return SteeringDecision(
                action,
                reason=str(data.get("reason") or ""),
                guidance=str(data.get("guidance") or ""),
                arguments=arguments if isinstance(arguments, dict) else None,
                answer=answer if isinstance(answer, str) else None,
            )
        except (ValueError, AttributeError) as exc:
            return SteeringDecision.proceed(f"unreadable steering verdict: {exc}")
