"""Handoff: agents pass a conversation along a chain, with typed, budgeted contracts.

Each agent sees a ``transfer_to_<agent>`` tool for every agent it may
delegate or escalate to. Calling one ends its turn; the receiver starts from a
:class:`HandoffContext` (task, summary, findings, key messages, instructions,
chain). A chain is bounded by ``max_handoff_chain`` and the same
agent-to-agent handoff twice in one chain is a loop (:class:`HandoffLoopError`).

Each handoff is reported once, as a typed :class:`HandoffEvent` (source,
target, reason, context summary) yielded by ``run()`` and published on the
EventBus (``multiagent.handoff.completed``) when the receiver starts.

A receiver may carry a :class:`HandoffContract`: the pydantic type its answer
must have (re-asked on mismatch, then :class:`HandoffOutputError`) and a
budget of tokens, iterations and seconds that stops its run
(:class:`HandoffBudgetExceededError` when it stopped before answering).

The desk is a one-node :class:`~locus.multiagent.graph.StateGraph` looping
over the current agent: with a ``thread_id`` every turn is checkpointed and a
crashed chain continues at the agent that was working.

```python
from locus import create_handoff_agent, create_handoff_manager
from locus.core.messages import ToolCall
from locus.models import ScriptedModel

triage = create_handoff_agent(
    "Triage",
    system_prompt="Decide: Billing or Shipping. Then hand off.",
    model=ScriptedModel(
        [ToolCall(name="transfer_to_billing", arguments={"summary": "double charge"})]
    ),
)
billing = create_handoff_agent(
    "Billing",
    description="Resolves invoices, refunds, charges",
    model=ScriptedModel(["Refunded $129. Confirmation RF-19340."]),
)
triage.can_delegate_to = [billing.id]
desk = create_handoff_manager(agents=[triage, billing], max_chain=5)
result = desk.execute_sync("I was charged twice")
assert result.text == "Refunded $129. Confirmation RF-19340."
assert result.returned_context.handoff_chain == ["Triage", "Billing"]
```
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from locus.core.command import Command
from locus.core.errors import StructuredOutputError, ValidationError
from locus.core.events import HandoffEvent
from locus.multiagent._handoff_runner import (
    build_runner,
    check_contract,
    key_messages,
    slug,
    type_name,
)
from locus.multiagent._handoff_types import (
    HandoffAgent,
    HandoffBudget,
    HandoffBudgetExceededError,
    HandoffChainTooLongError,
    HandoffContext,
    HandoffContract,
    HandoffError,
    HandoffLoopError,
    HandoffOutputError,
    HandoffReason,
    HandoffResult,
)
from locus.multiagent._pattern import PatternBase, emit, extend, new_id
from locus.multiagent.graph import publish_typed_event
from locus.multiagent.specialist import parse_confidence

if TYPE_CHECKING:
    from locus.agent import Agent
    from locus.multiagent.graph import DrawableGraph, StateGraph
    from locus.tools import Tool

__all__ = [
    "Handoff",
    "HandoffAgent",
    "HandoffBudget",
    "HandoffBudgetExceededError",
    "HandoffChainTooLongError",
    "HandoffContext",
    "HandoffContract",
    "HandoffError",
    "HandoffEvent",
    "HandoffLoopError",
    "HandoffOutputError",
    "HandoffReason",
    "HandoffResult",
    "create_handoff_agent",
    "create_handoff_manager",
]


class _State(TypedDict, total=False):
    task: str
    current: str
    contexts: Annotated[list[Any], extend]
    final: dict[str, Any] | None


class Handoff(PatternBase[HandoffResult]):
    """The handoff desk: runs a task through agents that hand it to each other.

    Args:
        agents: The agents, by id (or pass a list to :func:`create_handoff_manager`).
        max_handoff_chain: Most handoffs in one chain.
        preserve_full_history: Pass the source's whole conversation in
            ``key_messages`` (else its last four messages).
        start: Id of the agent that takes new tasks (default: the first registered).
        model: Model of agents without one.
        checkpointer: Where runs with a ``thread_id`` are checkpointed.
        history: Final results of past runs (newest last).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = Field(default_factory=lambda: new_id("handoff"))
    name: str = "Handoff"
    description: str = ""
    agents: dict[str, HandoffAgent] = Field(default_factory=dict)
    history: list[HandoffResult] = Field(default_factory=list)
    max_handoff_chain: int = Field(default=5, ge=0)
    preserve_full_history: bool = True
    start: str | None = None
    model: Any = None
    checkpointer: Any = None

    _runners: dict[Any, Agent] = PrivateAttr(default_factory=dict)

    # -- registry --------------------------------------------------------------------

    def register_agent(self, agent: HandoffAgent) -> Handoff:
        """Add an agent (chainable)."""
        if agent.id in self.agents:
            raise ValidationError(f"an agent with id {agent.id!r} is already registered")
        clash = next((a for a in self.agents if slug(a) == slug(agent.id)), None)
        if clash is not None:
            raise ValidationError(
                f"agent ids {clash!r} and {agent.id!r} give the same transfer tool "
                f"transfer_to_{slug(agent.id)}; rename one"
            )
        self.agents[agent.id] = agent
        return self

    def register_agents(self, agents: list[HandoffAgent]) -> Handoff:
        """Add several agents (chainable)."""
        for agent in agents:
            self.register_agent(agent)
        return self

    def _get(self, agent_id: str) -> HandoffAgent:
        agent = self.agents.get(agent_id)
        if agent is None:
            raise ValidationError(
                f"no handoff agent with id {agent_id!r}; registered: {sorted(self.agents)}"
            )
        return agent

    # -- handoffs --------------------------------------------------------------------

    def create_handoff(
        self,
        source_id: str,
        target_id: str,
        task: str,
        *,
        reason: HandoffReason | None = None,
        summary: str = "",
        findings: list[str] | None = None,
        instructions: str = "",
        confidence: float = 0.5,
        key_messages: list[str] | None = None,
        state_snapshot: dict[str, Any] | None = None,
        chain: list[str] | None = None,
    ) -> HandoffContext:
        """The context for handing ``task`` from ``source_id`` to ``target_id``.

        Raises:
            locus.core.errors.ValidationError: an id is not registered.
            HandoffError: ``source_id`` may not hand off to ``target_id``.
            HandoffLoopError: this handoff already happened in ``chain``.
            HandoffChainTooLongError: ``chain`` already has ``max_handoff_chain`` handoffs.
        """
        source = self._get(source_id)
        self._get(target_id)
        allowed = source.targets()
        if target_id not in allowed:
            raise HandoffError(
                f"{source_id!r} may not hand off to {target_id!r}; add it to "
                f"can_delegate_to or can_escalate_to (allowed: {sorted(allowed)})"
            )
        chain = list(chain or [source_id])
        if any((a, b) == (source_id, target_id) for a, b in itertools.pairwise(chain)):
            raise HandoffLoopError(
                f"handoff loop: {source_id!r} -> {target_id!r} already happened in chain "
                f"{' -> '.join(chain)}; give the agents a way to answer, or narrow "
                f"can_delegate_to / can_escalate_to"
            )
        if len(chain) - 1 >= self.max_handoff_chain:
            raise HandoffChainTooLongError(
                f"chain {' -> '.join(chain)} already has {len(chain) - 1} handoff(s); "
                f"max_handoff_chain is {self.max_handoff_chain}. Raise it or let an agent answer"
            )
        return HandoffContext(
            source_agent_id=source_id,
            target_agent_id=target_id,
            reason=reason or allowed[target_id],
            original_task=task,
            conversation_summary=summary,
            key_messages=list(key_messages or []),
            state_snapshot=dict(state_snapshot or {}),
            findings=list(findings or []),
            confidence=confidence,
            instructions=instructions,
            handoff_chain=[*chain, target_id],
        )

    async def execute_handoff(
        self, context: HandoffContext, *, thread_id: str | None = None
    ) -> HandoffResult:
        """Give ``context`` to its target and run the chain from there to an answer."""
        self._get(context.target_agent_id)
        graph = self.compiled()
        first = {
            "task": context.original_task,
            "current": context.target_agent_id,
            "contexts": [context.model_dump(mode="json")],
            "final": None,
        }
        inp = await self._first_input(graph, context.original_task, thread_id, first)
        started = time.perf_counter()
        values = await graph.ainvoke(inp, thread_id=thread_id, config=self._config())
        return self._result(dict(values), (time.perf_counter() - started) * 1000.0)

    async def chain_handoff(self, task: str, *, thread_id: str | None = None) -> HandoffResult:
        """Run ``task`` from the start agent through its handoffs (same as :meth:`execute`)."""
        return await self.execute(task, thread_id=thread_id)

    def execute_sync(self, task: str, *, thread_id: str | None = None) -> HandoffResult:
        """Blocking :meth:`execute`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.execute(task, thread_id=thread_id))

    # -- the graph -------------------------------------------------------------------

    def _build(self) -> StateGraph:
        from locus.multiagent.graph import StateGraph

        graph = StateGraph(_State, name=self.name)
        graph.add_node("agent", self._turn, destinations=("agent",))
        graph.add_edge("__start__", "agent")
        graph.add_edge("agent", "__end__")
        return graph

    def _input(self, task: str) -> dict[str, Any]:
        start = self.start or next(iter(self.agents), None)
        if start is None:
            raise ValidationError("the handoff desk has no agents; register_agent(...) first")
        self._get(start)
        return {"task": task, "current": start, "contexts": [], "final": None}

    def _runner(self, agent: HandoffAgent, contract: HandoffContract | None) -> Agent:
        targets = {t: (self._get(t), r) for t, r in agent.targets().items()}
        model = agent.model if agent.model is not None else self.model
        routes = tuple(sorted(agent.targets().items()))
        key = (agent.id, id(model), routes, id(contract), len(agent.tools), agent.system_prompt)
        runner = self._runners.get(key)
        if runner is None:
            runner = build_runner(agent, targets, contract, model)
            self._runners[key] = runner
        return runner

    def get_graph(self) -> DrawableGraph:
        """Who may hand off to whom; any agent may answer (to END)."""
        from locus.multiagent.graph import END, START, DrawableGraph

        ids = list(self.agents)
        edges: list[tuple[str, str, bool]] = []
        if ids:
            edges.append((START, self.start or ids[0], False))
        for agent in self.agents.values():
            edges += [(agent.id, t, True) for t in agent.targets() if t in self.agents]
            edges.append((agent.id, END, True))
        return DrawableGraph([START, *ids, END], edges)

    async def _turn(self, state: dict[str, Any]) -> Command:
        current = self._get(state["current"])
        contexts = state.get("contexts") or []
        context = HandoffContext.model_validate(contexts[-1]) if contexts else None
        if context is not None:
            publish_typed_event(
                HandoffEvent(
                    source_agent_id=context.source_agent_id,
                    target_agent_id=current.id,
                    reason=context.reason.value,
                    context_summary=context.conversation_summary,
                    handoff_id=context.handoff_id,
                )
            )
        prompt = current.receive_handoff(context) if context is not None else state["task"]
        contract = current.contract if context is not None else None
        started = time.perf_counter()
        runner = self._runner(current, contract)
        seconds = contract.budget.seconds if contract is not None else None
        try:
            if seconds is None:
                result = await runner.invoke(prompt)
            else:  # TimeLimit stops between turns; this also stops a turn that hangs
                result = await asyncio.wait_for(runner.invoke(prompt), timeout=seconds)
        except TimeoutError as exc:
            raise HandoffBudgetExceededError(
                f"{current.id!r} ran past its handoff budget of {seconds:g} s before it "
                f"answered. Raise HandoffBudget.seconds or give it a narrower task"
            ) from exc
        except StructuredOutputError as exc:
            raise HandoffOutputError(
                f"{current.id!r} answered the handoff with output that does not match "
                f"{type_name(contract)} "
                f"after {contract.retries if contract else 0} re-ask(s): {exc}. Loosen the type, "
                f"raise HandoffContract.retries or fix the agent's prompt",
                cause=exc,
            ) from exc
        targets = {f"transfer_to_{slug(t)}": t for t in current.targets()}
        for call in result.tool_executions:
            target_id = targets.get(call.name)
            if target_id is None or call.error is not None:
                continue
            args = call.arguments
            chain = context.handoff_chain if context is not None else [current.id]
            new = self.create_handoff(
                current.id,
                target_id,
                state["task"],
                summary=str(args.get("summary", "")),
                instructions=str(args.get("instructions", "")),
                findings=[str(f) for f in args.get("findings") or []],
                confidence=float(args.get("confidence", 0.5)),
                key_messages=key_messages(result, full=self.preserve_full_history),
                chain=chain,
            )
            emit(
                "multiagent.handoff.requested",
                source_agent_id=current.id,
                target_agent_id=target_id,
                reason=new.reason.value,
            )
            return Command(
                update={"current": target_id, "contexts": [new.model_dump(mode="json")]},
                goto="agent",
            )
        if contract is not None:
            check_contract(current, contract, result)
        output: Any = result.message
        if contract is not None and contract.output_type is not None:
            value = result.structured_output
            output = value.model_dump(mode="json") if isinstance(value, BaseModel) else value
        stated = parse_confidence(result.message) if isinstance(output, str) else None
        final = HandoffResult(
            handoff_id=context.handoff_id if context else "",
            source_agent_id=context.source_agent_id if context else current.id,
            target_agent_id=current.id,
            output=output,
            final_confidence=stated
            if stated is not None
            else (context.confidence if context else 0.5),
            duration_ms=(time.perf_counter() - started) * 1000.0,
            returned_context=context,
        )
        return Command(update={"final": final.model_dump(mode="json")}, goto="__end__")

    def _result(self, values: dict[str, Any], duration_ms: float) -> HandoffResult:
        final = values.get("final")
        if not final:
            return HandoffResult(
                success=False, error="the chain did not finish", duration_ms=duration_ms
            )
        result = HandoffResult.model_validate(final)
        agent = self.agents.get(result.target_agent_id)
        contract = agent.contract if agent is not None and result.returned_context else None
        if (
            contract is not None
            and contract.output_type is not None
            and isinstance(result.output, dict)
        ):
            result.output = contract.output_type.model_validate(result.output)
        result.duration_ms = duration_ms
        self.history.append(result)
        return result

    def _text(self, result: HandoffResult) -> str:
        return result.text


def create_handoff_agent(
    name: str,
    description: str = "",
    system_prompt: str = "",
    tools: list[Tool] | None = None,
    model: Any = None,
    *,
    can_delegate_to: list[str] | None = None,
    can_escalate_to: list[str] | None = None,
    contract: HandoffContract | None = None,
) -> HandoffAgent:
    """A :class:`HandoffAgent` (its id is its name)."""
    return HandoffAgent(
        name=name,
        description=description,
        system_prompt=system_prompt,
        tools=list(tools or []),
        model=model,
        can_delegate_to=list(can_delegate_to or []),
        can_escalate_to=list(can_escalate_to or []),
        contract=contract,
    )


def create_handoff_manager(
    agents: list[HandoffAgent] | None = None, max_chain: int = 5, *, model: Any = None
) -> Handoff:
    """A :class:`Handoff` desk over ``agents`` (the first takes new tasks)."""
    return Handoff(max_handoff_chain=max_chain, model=model).register_agents(list(agents or []))
