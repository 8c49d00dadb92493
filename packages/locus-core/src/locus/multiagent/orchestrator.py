"""Orchestrator + Specialists: one coordinator routes a task to experts and merges their findings.

The orchestrator's model returns a typed :class:`RoutingDecision` (which
specialists, why, and optionally a sub-task each); the chosen specialists run
in parallel (at most ``max_parallel_specialists`` at a time); the orchestrator
then correlates their findings and writes one summary. It is a three-node
:class:`~locus.multiagent.graph.StateGraph` (``route`` → ``specialist`` x N
through ``Send`` → ``synthesize``): with a ``thread_id`` each finished
specialist is checkpointed, and a crashed run continues without re-running them.

```python
from locus.models import ScriptedModel
from locus.multiagent.orchestrator import create_orchestrator
from locus.multiagent.specialist import Specialist

logs = Specialist(name="logs", model=ScriptedModel(["OOM kills on api-3. Confidence: 0.9"]))
metrics = Specialist(name="metrics", model=ScriptedModel(["Memory at 98%. Confidence: 0.8"]))
boss = create_orchestrator(
    specialists=[logs, metrics],
    model=ScriptedModel(
        [
            '{"decision_type": "delegate", "specialists": ["logs", "metrics"]}',
            "api-3 ran out of memory.",
        ]
    ),
)
result = boss.execute_sync("Why did api-3 restart?")
assert result.summary == "api-3 ran out of memory."
assert [r.specialist_id for r in result.specialist_results] == ["logs", "metrics"]
```
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.send import Send
from locus.multiagent._pattern import PatternBase, collect, emit, new_id, text_preview
from locus.multiagent.graph import END, START
from locus.multiagent.specialist import Specialist, SpecialistResult

if TYPE_CHECKING:
    from locus.agent import Agent
    from locus.multiagent.graph import DrawableGraph, StateGraph

__all__ = [
    "Orchestrator",
    "OrchestratorResult",
    "RoutingDecision",
    "correlate",
    "create_orchestrator",
]


class RoutingDecision(BaseModel):
    """Which specialists the orchestrator consults, and why.

    Attributes:
        decision_type: ``"delegate"`` (consult ``specialists``) or ``"respond"``
            (answer without them).
        specialists: Names of the specialists to consult.
        reasoning: Why.
        context: Extra routing data; ``context["tasks"]`` may map a specialist
            name to its own sub-task (default: the whole task). Names that are
            not registered are moved to ``context["unknown"]``.
    """

    decision_type: Literal["delegate", "respond"] = "delegate"
    specialists: list[str] = Field(default_factory=list)
    reasoning: str = ""
    context: dict[str, Any] = Field(default_factory=dict)


class OrchestratorResult(BaseModel):
    """What an orchestrator run produced.

    Attributes:
        orchestrator_id: The orchestrator's id.
        success: A summary was written and no consulted specialist was left
            without a result (specialists that failed are in
            ``specialist_results`` with ``error`` set; ``success`` is ``False``
            only when every consulted specialist failed).
        summary: The correlated answer.
        specialist_results: One per consulted specialist, in decision order.
        decisions: The routing decisions taken.
        duration_ms: Wall time of the call.
        error: Why it did not succeed, else ``None``.
        correlations: Identifiers (``api-3``, ``v2.14.0``, ``09:02``, ``pool_size``...)
            that answers of two or more specialists share, each with those
            specialists: where their findings meet. See :func:`correlate`.
    """

    orchestrator_id: str
    success: bool = True
    summary: str = ""
    specialist_results: list[SpecialistResult] = Field(default_factory=list)
    decisions: list[RoutingDecision] = Field(default_factory=list)
    duration_ms: float = 0.0
    error: str | None = None
    correlations: dict[str, list[str]] = Field(default_factory=dict)


class _State(TypedDict, total=False):
    task: str
    decision: dict[str, Any] | None
    results: Annotated[dict[str, Any], collect]
    summary: str


_ROUTE_PROMPT = (
    "You coordinate specialists. Decide which of them to consult for the task. "
    'Answer JSON: {"decision_type": "delegate" | "respond", "specialists": [names], '
    '"reasoning": "...", "context": {"tasks": {name: sub-task}}}.'
)


class Orchestrator(PatternBase[OrchestratorResult]):
    """A coordinator that consults specialists in parallel and correlates their findings.

    Args:
        name: Name (events, tool name).
        description: What it does (for :meth:`as_tool`).
        specialists: The experts (names must be unique).
        system_prompt: Extra instructions for routing and the summary.
        max_parallel_specialists: Most specialists running at once.
        correlation_threshold: Findings at or above this confidence are
            treated as corroborated evidence, the rest as weak signals.
        model: Routes and summarises; also the model of specialists without
            one. Without a model every specialist is consulted and the summary
            lists their findings.
        checkpointer: Where runs with a ``thread_id`` are checkpointed
            (default: in memory, private to this orchestrator).
        id: Stable id (default: generated).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = Field(default_factory=lambda: new_id("orchestrator"))
    name: str = "Orchestrator"
    description: str = ""
    specialists: list[Specialist] = Field(default_factory=list)
    system_prompt: str = ""
    max_parallel_specialists: int = Field(default=5, ge=1)
    correlation_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    model: Any = None
    checkpointer: Any = None

    _agents: dict[tuple[str, int, str, str], Agent] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        self._check_unique(self.specialists)

    @staticmethod
    def _check_unique(specialists: list[Specialist]) -> None:
        names = [s.name for s in specialists]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValidationError(f"specialist names must be unique; repeated: {dupes}")

    def register_specialist(self, specialist: Specialist) -> Orchestrator:
        """Add a specialist (chainable)."""
        return self.register_specialists([specialist])

    def register_specialists(self, specialists: list[Specialist]) -> Orchestrator:
        """Add several specialists (chainable)."""
        self._check_unique([*self.specialists, *specialists])
        self.specialists.extend(specialists)
        return self

    def with_model(self, model: Any) -> Orchestrator:
        """A copy using ``model``."""
        return self.model_copy(update={"model": model})

    def execute_sync(self, task: str, *, thread_id: str | None = None) -> OrchestratorResult:
        """Blocking :meth:`execute`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.execute(task, thread_id=thread_id))

    # -- the graph -------------------------------------------------------------------

    def _agent(self, role: str) -> Agent:
        key = (role, id(self.model), self.system_prompt, self.name)
        agent = self._agents.get(key)
        if agent is None:
            from locus.agent import Agent

            extra = f"\n{self.system_prompt}" if self.system_prompt else ""
            if role == "route":
                agent = Agent(
                    model=self.model,
                    system_prompt=_ROUTE_PROMPT + extra,
                    output_schema=RoutingDecision,
                    name=f"{self.name}.route",
                )
            else:
                agent = Agent(
                    model=self.model,
                    system_prompt="You correlate specialists' findings into one answer." + extra,
                    name=f"{self.name}.synthesize",
                )
            self._agents[key] = agent
        return agent

    def _build(self) -> StateGraph:
        from locus.multiagent.graph import StateGraph

        graph = StateGraph(_State, name=self.name)
        graph.add_node("route", self._route, destinations=("specialist", "synthesize"))
        graph.add_node("specialist", self._consult)
        graph.add_node("synthesize", self._synthesize)
        graph.add_edge("__start__", "route")
        graph.add_edge("specialist", "synthesize")
        graph.add_edge("synthesize", "__end__")
        return graph

    def _input(self, task: str) -> dict[str, Any]:
        return {"task": task, "decision": None, "results": {}, "summary": ""}

    def get_graph(self) -> DrawableGraph:
        """Routing to each specialist, their findings to the summary."""
        from locus.multiagent.graph import DrawableGraph

        names = [s.name for s in self.specialists]
        edges = [(START, "route", False), ("route", "synthesize", True)]
        for name in names:
            edges += [("route", name, True), (name, "synthesize", False)]
        edges.append(("synthesize", END, False))
        return DrawableGraph([START, "route", *names, "synthesize", END], edges)

    def _configurable(self) -> dict[str, Any]:
        return {"limit": asyncio.Semaphore(self.max_parallel_specialists)}

    async def _decide(self, task: str) -> RoutingDecision:
        if self.model is None:
            return RoutingDecision(
                specialists=[s.name for s in self.specialists],
                reasoning="no orchestrator model: every specialist is consulted",
            )
        roster = "\n".join(
            f"- {s.name} ({s.specialist_type}): {s.description or 'no description'}"
            for s in self.specialists
        )
        result = await self._agent("route").invoke(f"Task: {task}\n\nSpecialists:\n{roster}")
        decision = result.structured_output
        if not isinstance(decision, RoutingDecision):
            decision = RoutingDecision.model_validate(decision)
        known = {s.name for s in self.specialists}
        unknown = [n for n in decision.specialists if n not in known]
        if unknown:
            decision.context["unknown"] = unknown
            decision.specialists = [n for n in decision.specialists if n in known]
        decision.specialists = list(dict.fromkeys(decision.specialists))
        if not decision.specialists:
            decision.decision_type = "respond"
        return decision

    async def _route(self, state: dict[str, Any]) -> Command:
        task = state["task"]
        emit(
            "multiagent.orchestrator.started",
            orchestrator=self.name,
            specialists=[s.name for s in self.specialists],
            task_preview=text_preview(task),
        )
        decision = await self._decide(task)
        tasks = decision.context.get("tasks") or {}
        sends: list[Any] = []
        if decision.decision_type == "delegate":
            for name in decision.specialists:
                sub = str(tasks.get(name) or task) if isinstance(tasks, dict) else task
                emit(
                    "multiagent.orchestrator.delegated",
                    specialist=name,
                    task_preview=text_preview(sub),
                )
                sends.append(Send("specialist", {"name": name, "task": sub}))
        return Command(
            update={"decision": decision.model_dump(mode="json")},
            goto=sends or ["synthesize"],
        )

    async def _consult(self, payload: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        name = payload["name"]
        specialist = next(s for s in self.specialists if s.name == name)
        limit: asyncio.Semaphore | None = config.get("configurable", {}).get("limit")
        if limit is None:
            result = await specialist.execute(payload["task"], model=self.model)
        else:
            async with limit:
                result = await specialist.execute(payload["task"], model=self.model)
        emit(
            "multiagent.specialist.completed",
            specialist=name,
            output_preview=text_preview(result.output),
            duration_ms=result.duration_ms,
            confidence=result.confidence,
            error=result.error,
        )
        return {"results": {name: result.model_dump(mode="json")}}

    async def _synthesize(self, state: dict[str, Any]) -> dict[str, Any]:
        task = state["task"]
        decision = RoutingDecision.model_validate(state.get("decision") or {})
        results = self._ordered(state, decision)
        strong = [
            r
            for r, s in results
            if r.error is None
            and r.confidence >= max(self.correlation_threshold, s.confidence_threshold)
        ]
        weak = [r for r, _ in results if r.error is None and r not in strong]
        failed = [r for r, _ in results if r.error is not None]
        if self.model is None:
            summary = (
                "\n".join(_finding(r) for r, _ in results) or f"No specialist consulted for: {task}"
            )
        else:
            parts = [f"Task: {task}"]
            if strong:
                parts.append("Confident findings:\n" + "\n".join(_finding(r) for r in strong))
            shared = correlate([r for r, _ in results])
            if shared:
                parts.append(
                    "Named by several specialists:\n"
                    + "\n".join(f"- {term}: {', '.join(who)}" for term, who in shared.items())
                )
            if weak:
                parts.append(
                    "Weak signals (low confidence):\n" + "\n".join(_finding(r) for r in weak)
                )
            if failed:
                parts.append("Specialists that failed:\n" + "\n".join(_finding(r) for r in failed))
            parts.append(
                "Correlate the findings: where they agree, name the cause; where they "
                "conflict, say so. Write one answer."
            )
            summary = (await self._agent("synthesize").invoke("\n\n".join(parts))).message
        emit(
            "multiagent.orchestrator.completed",
            orchestrator=self.name,
            delegations=len(results),
            final_message_preview=text_preview(summary),
        )
        return {"summary": summary}

    def _ordered(
        self, state: dict[str, Any], decision: RoutingDecision
    ) -> list[tuple[SpecialistResult, Specialist]]:
        raw = state.get("results") or {}
        by_name = {s.name: s for s in self.specialists}
        return [
            (SpecialistResult.model_validate(raw[name]), by_name[name])
            for name in decision.specialists
            if name in raw and name in by_name
        ]

    def _result(self, values: dict[str, Any], duration_ms: float) -> OrchestratorResult:
        decision = RoutingDecision.model_validate(values.get("decision") or {})
        results = [r for r, _ in self._ordered(values, decision)]
        all_failed = bool(results) and all(r.error is not None for r in results)
        return OrchestratorResult(
            orchestrator_id=self.id,
            success=not all_failed,
            summary=str(values.get("summary", "")),
            specialist_results=results,
            decisions=[decision],
            duration_ms=duration_ms,
            error="every consulted specialist failed" if all_failed else None,
            correlations=correlate(results),
        )


_IDENTIFIER = re.compile(r"[A-Za-z0-9][\w.:/-]*[A-Za-z0-9]|\d")


def correlate(results: list[SpecialistResult]) -> dict[str, list[str]]:
    """Identifiers that answers of two or more successful specialists share.

    An identifier is a token holding a digit or one of ``_ . : / -``
    (hosts, versions, times, error codes, config keys), compared
    case-insensitively. Most shared first, then alphabetically.
    """
    seen: dict[str, list[str]] = {}
    for result in results:
        if result.error is not None:
            continue
        tokens = {t.lower() for t in _IDENTIFIER.findall(result.output)}
        for token in tokens:
            if any(c.isdigit() or c in "_.:/-" for c in token) and not _is_confidence(token):
                seen.setdefault(token, []).append(result.specialist_id)
    shared = {t: who for t, who in seen.items() if len(who) > 1}
    return dict(sorted(shared.items(), key=lambda item: (-len(item[1]), item[0])))


def _is_confidence(token: str) -> bool:
    try:
        return 0.0 <= float(token) <= 1.0  # the "Confidence: 0.9" every answer ends with
    except ValueError:
        return False


def _finding(result: SpecialistResult) -> str:
    if result.error is not None:
        return f"- {result.specialist_id}: failed ({result.error})"
    return f"- {result.specialist_id} (confidence {result.confidence:.2f}): {result.output}"


def create_orchestrator(
    name: str = "Orchestrator", specialists: list[Specialist] | None = None, model: Any = None
) -> Orchestrator:
    """An :class:`Orchestrator` over ``specialists``."""
    return Orchestrator(name=name, specialists=list(specialists or []), model=model)
