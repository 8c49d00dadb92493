"""The Agent a handoff agent runs: its transfer tools, its contract, what it passes on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from locus.multiagent._handoff_types import (
    HandoffAgent,
    HandoffBudget,
    HandoffBudgetExceededError,
    HandoffContract,
    HandoffReason,
)

if TYPE_CHECKING:
    from locus.agent import Agent
    from locus.agent.result import AgentResult
    from locus.tools import Tool

__all__ = ["build_runner", "check_contract", "key_messages", "slug", "transfer_tool", "type_name"]

_BUDGET_STOPS = ("TokenLimit", "TimeLimit", "MaxIterations")


def slug(text: str) -> str:
    """``"Customer Care"`` -> ``"customer_care"`` (tool-name safe)."""
    return "".join(c if c.isalnum() else "_" for c in text).strip("_").lower() or "agent"


def type_name(contract: HandoffContract | None) -> str:
    """The contract's output type name, for error messages."""
    output_type = contract.output_type if contract is not None else None
    return output_type.__name__ if output_type is not None else "its type"


def build_runner(
    agent: HandoffAgent,
    targets: dict[str, tuple[HandoffAgent, HandoffReason]],
    contract: HandoffContract | None,
    model: Any,
) -> Agent:
    """An Agent for ``agent``: its tools plus one transfer tool per target; a transfer
    ends its turn; a contract sets its output type, re-asks and budget."""
    from locus.agent import Agent
    from locus.core.termination import ToolCalled

    tools = [*agent.tools, *(transfer_tool(t, r) for t, r in targets.values())]
    prompt = agent.system_prompt or f"You are {agent.name}."
    if targets:
        prompt += "\nIf another agent should handle this, call its transfer tool."
    budget = contract.budget if contract is not None else HandoffBudget()
    termination = budget.termination()
    for target_id in targets:
        called = ToolCalled(f"transfer_to_{slug(target_id)}")
        termination = called if termination is None else termination | called
    return Agent(
        model=model,
        tools=tools,
        system_prompt=prompt,
        name=agent.name,
        output_schema=contract.output_type if contract is not None else None,
        structured_output_retries=contract.retries if contract is not None else 2,
        max_iterations=budget.iterations or 20,
        termination=termination,
    )


def transfer_tool(target: HandoffAgent, reason: HandoffReason) -> Tool:
    """The ``transfer_to_<target>`` tool the model calls to hand off."""
    from locus.tools import Tool

    async def transfer(
        summary: str,
        instructions: str = "",
        findings: list[str] | None = None,
        confidence: float = 0.5,
    ) -> str:
        """Hand the conversation to another agent; your turn ends.

        Args:
            summary: What the conversation is about and what happened so far.
            instructions: What the receiving agent should do.
            findings: Facts you established.
            confidence: Your confidence in those findings, 0..1.
        """
        return f"Handing off to {target.name}."

    verb = "Escalate" if reason is HandoffReason.ESCALATION else "Hand off"
    about = f": {target.description}" if target.description else ""
    return Tool(
        transfer,
        name=f"transfer_to_{slug(target.id)}",
        description=f"{verb} to {target.name}{about}",
    )


def key_messages(result: AgentResult, *, full: bool) -> list[str]:
    """The user/assistant messages of a run (``role: text``); the last four unless ``full``."""
    state = result.state
    if state is None:
        return []
    lines = [
        f"{m.role.value}: {m.content}"
        for m in state.messages
        if m.content and m.role.value in ("user", "assistant")
    ]
    return lines if full else lines[-4:]


def check_contract(agent: HandoffAgent, contract: HandoffContract, result: AgentResult) -> None:
    """Raise when the budget stopped ``agent`` before it answered.

    Raises:
        HandoffBudgetExceededError: the run ended on a budget stop without an answer.
    """
    stopped_by_budget = result.stop_reason.startswith(_BUDGET_STOPS)
    missing = contract.output_type is not None and result.structured_output is None
    if stopped_by_budget and (missing or contract.output_type is None):
        raise HandoffBudgetExceededError(
            f"{agent.id!r} was stopped by its handoff budget ({result.stop_reason}; budget "
            f"{contract.budget.model_dump(exclude_none=True)}) before it answered. Raise the "
            f"budget or give it a narrower task"
        )
