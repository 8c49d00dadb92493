"""The enforcer as an agent hook: :class:`PlaybookEnforcerHook`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pydantic

from locus.core.messages import Message
from locus.hooks._base import (
    AfterToolCallEvent,
    BeforeInvocationEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookPriority,
    HookProvider,
    ModelCallDecision,
    ToolCallDecision,
)
from locus.hooks._per_run import PerRun
from locus.playbooks._enforcer import PlaybookEnforcer
from locus.playbooks._models import Playbook, PlaybookPlan

if TYPE_CHECKING:
    from locus.core.state import AgentState

__all__ = ["PlaybookEnforcerHook"]

PLAN_KEY = "locus_playbook"
"""``state.metadata`` key of the run's plan: ``{"run_id": ..., "plan": <PlaybookPlan JSON>}``."""


@dataclass
class _Run:
    enforcer: PlaybookEnforcer
    refused: set[str] = field(default_factory=set)


class PlaybookEnforcerHook(HookProvider):
    """Keeps an agent to a playbook: guidance before each model call, checks on each tool call.

    - Before each model call it adds a system message with the playbook and
      the current step (what to call next, hints, the last violation).
    - Before each tool call it asks the :class:`PlaybookEnforcer`; a violating
      call is refused (``block_violations=True``) and the model is told why
      and what to do instead.
    - After each tool call it records the call; a step completes when its
      expected tools have all succeeded.

    Each run has its own plan, keyed by ``state.run_id``: one hook serves
    concurrent runs of its agent (``AgentServer``) without one run's progress
    or violations showing in another
    (``test_concurrent_runs_of_one_agent_follow_the_playbook_independently``).
    A new run, on a new thread or the same one, starts the playbook over; a
    run resumed after an interrupt continues its plan, which is kept in
    ``state.metadata[PLAN_KEY]`` and so checkpoints with the thread
    (``test_a_resumed_run_continues_its_plan_in_a_fresh_process``).
    Violations are per run too, but live in memory only.

    Args:
        playbook: The playbook.
        block_violations: Refuse violating calls (else record them and let them run).
        record_violations: Keep violations in ``hook.enforcer.violations``.
        guide_model: Add the step guidance to each model call.
        priority: Hook priority (default ``HIGH``, next to guardrails).
        max_runs: Runs whose plans are kept in memory (oldest dropped first).
    """

    name = "playbook_enforcer"

    def __init__(
        self,
        playbook: Playbook,
        *,
        block_violations: bool = True,
        record_violations: bool = True,
        guide_model: bool = True,
        priority: int = HookPriority.HIGH,
        max_runs: int = 1000,
    ) -> None:
        self.playbook = playbook
        self.block_violations = block_violations
        self.record_violations = record_violations
        self.guide_model = guide_model
        self.priority = priority
        self._runs: PerRun[_Run] = PerRun(max_runs)
        self._idle = self._new_enforcer()

    def _new_enforcer(self) -> PlaybookEnforcer:
        return PlaybookEnforcer(
            self.playbook,
            block_violations=self.block_violations,
            record_violations=self.record_violations,
        )

    @property
    def enforcer(self) -> PlaybookEnforcer:
        """The enforcer of the run started last (a fresh one before any run).

        Handy with one run at a time; with concurrent runs use :meth:`enforcer_for`.
        """
        latest = self._runs.latest
        return latest.enforcer if latest is not None else self._idle

    def enforcer_for(self, run: AgentState | str) -> PlaybookEnforcer | None:
        """The enforcer of a run (its state or ``run_id``), while it is kept (``max_runs``)."""
        kept = self._runs.get(run if isinstance(run, str) else run.run_id)
        return kept.enforcer if kept is not None else None

    def _run(self, state: AgentState) -> _Run:
        return self._runs.setdefault(state.run_id, lambda: _Run(self._restore(state)))

    def _restore(self, state: AgentState) -> PlaybookEnforcer:
        """A fresh enforcer, on the run's stored plan when this run is being resumed."""
        enforcer = self._new_enforcer()
        stored = state.metadata.get(PLAN_KEY)
        if isinstance(stored, dict) and stored.get("run_id") == state.run_id:
            try:
                plan = PlaybookPlan.model_validate(stored.get("plan"))
            except pydantic.ValidationError:
                return enforcer  # unreadable: start over rather than fail the run
            if plan.playbook == self.playbook:
                enforcer.plan = plan
        return enforcer

    def before_invocation(self, event: BeforeInvocationEvent) -> Any:
        """Start this run's plan: fresh for a new run, the stored one for a resumed run."""
        self._run(event.state)
        return None

    def guidance(self, state: AgentState | None = None) -> str:
        """The system text added to model calls of the run of ``state`` (default: the latest)."""
        enforcer = self._run(state).enforcer if state is not None else self.enforcer
        text = enforcer.playbook.to_prompt() + "\n\n" + enforcer.get_next_step_hints()
        violations = enforcer.violations
        if violations:
            text += f"\nLast playbook violation: {violations[-1].message}"
        return text

    def before_model_call(self, event: BeforeModelCallEvent) -> Any:
        """Add the guidance as a system message."""
        if not self.guide_model:
            return None
        guidance = Message.system(self.guidance(event.state))
        return ModelCallDecision(messages=[*event.messages, guidance])

    def before_tool_call(self, event: BeforeToolCallEvent) -> Any:
        """Refuse a call that breaks the playbook (when blocking)."""
        run = self._run(event.state)
        verdict = run.enforcer.validate_tool_call(event.tool_call.name)
        if verdict.allowed or verdict.violation is None:
            return None
        run.refused.add(event.tool_call.id)
        message = f"Refused by the playbook: {verdict.violation.message}"
        return ToolCallDecision.block(verdict.violation.message, result=message)

    def after_tool_call(self, event: AfterToolCallEvent) -> Any:
        """Record the call; steps complete when their tools have succeeded."""
        state = event.state
        run = self._run(state)
        if event.tool_call.id in run.refused:
            run.refused.discard(event.tool_call.id)
            return None
        run.enforcer.record_tool_call(event.tool_call.name, success=event.result.error is None)
        state.metadata[PLAN_KEY] = {
            "run_id": state.run_id,
            "plan": run.enforcer.plan.model_dump(mode="json"),
        }
        return None
