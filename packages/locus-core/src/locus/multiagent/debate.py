"""Debate: two debaters argue for N rounds; a judge agent returns a typed verdict.

Each round both debaters answer in parallel, seeing the transcript so far.
The judge reads the whole transcript and answers with a :class:`Verdict`
(or your own ``verdict_type``), validated and re-asked on mismatch.

It is a three-node :class:`~locus.multiagent.graph.StateGraph` (``round`` →
``argue`` x 2 through ``Send`` → ``round``… → ``judge``): with a
``thread_id`` every argument is checkpointed.

```python
from locus import Agent
from locus.models import ScriptedModel
from locus.multiagent.debate import Debate

pro = Agent(model=ScriptedModel(["Postgres: mature, transactional."]), name="pro")
con = Agent(model=ScriptedModel(["SQLite: zero ops."]), name="con")
judge = Agent(
    model=ScriptedModel(
        ['{"winner": "pro", "reasoning": "concurrency", "answer": "Postgres", "confidence": 0.7}']
    )
)
result = Debate(debaters=[pro, con], judge=judge, rounds=1).execute_sync("Which database?")
assert result.verdict.winner == "pro" and len(result.transcript) == 2
```
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypedDict

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator

from locus.core.command import Command
from locus.core.errors import ValidationError
from locus.core.send import Send
from locus.multiagent._pattern import PatternBase, ask, emit, extend, new_id, text_preview

if TYPE_CHECKING:
    from locus.agent import Agent
    from locus.multiagent.graph import DrawableGraph, StateGraph

__all__ = ["Argument", "Debate", "DebateResult", "Verdict"]


class Verdict(BaseModel):
    """The judge's decision.

    Attributes:
        winner: Name of the debater whose case holds (or ``"draw"``).
        reasoning: Why.
        answer: The answer to the question the debate settles.
        confidence: 0..1.
    """

    winner: str
    reasoning: str = ""
    answer: str = ""
    confidence: float = Field(default=0.5, ge=0.0, le=1.0)


class Argument(BaseModel):
    """One debater's turn."""

    round: int
    debater: str
    text: str


class DebateResult(BaseModel):
    """What a debate produced.

    Attributes:
        debate_id: The debate's id.
        topic: The question.
        transcript: Every argument, by round then debater order.
        verdict: The judge's verdict (a ``verdict_type`` instance).
        summary: The verdict's ``answer`` (else its reasoning).
        duration_ms: Wall time.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    debate_id: str
    topic: str = ""
    transcript: list[Argument] = Field(default_factory=list)
    verdict: Any = None
    summary: str = ""
    duration_ms: float = 0.0


class _State(TypedDict, total=False):
    topic: str
    round: int
    transcript: Annotated[list[Any], extend]
    verdict: dict[str, Any] | None


class Debate(PatternBase[DebateResult]):
    """Two debaters and a judge.

    Args:
        debaters: Exactly two agent-like objects (Agents, patterns, graphs).
        judge: An Agent (its model and system prompt are used) or a model.
        rounds: Rounds of arguments.
        verdict_type: The pydantic type of the verdict (default :class:`Verdict`).
        verdict_retries: Times an invalid verdict is sent back before
            :class:`~locus.core.errors.StructuredOutputError`.
        checkpointer: Where runs with a ``thread_id`` are checkpointed.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    id: str = Field(default_factory=lambda: new_id("debate"))
    name: str = "Debate"
    description: str = ""
    debaters: list[Any]
    judge: Any
    rounds: int = Field(default=2, ge=1)
    verdict_type: type[BaseModel] = Verdict
    verdict_retries: int = Field(default=2, ge=0)
    checkpointer: Any = None

    _judge: tuple[int, Agent] | None = PrivateAttr(default=None)

    @field_validator("debaters")
    @classmethod
    def _two(cls, value: list[Any]) -> list[Any]:
        if len(value) != 2:
            raise ValidationError(f"a Debate needs exactly two debaters, got {len(value)}")
        return value

    def names(self) -> list[str]:
        """The debaters' names (``name`` attribute, else ``debater_1`` / ``debater_2``)."""
        out = [
            str(getattr(d, "name", None) or f"debater_{i + 1}") for i, d in enumerate(self.debaters)
        ]
        return out if out[0] != out[1] else [f"{out[0]}_1", f"{out[1]}_2"]

    def execute_sync(self, task: str, *, thread_id: str | None = None) -> DebateResult:
        """Blocking :meth:`execute`."""
        from locus.agent._sync import run_coroutine_sync

        return run_coroutine_sync(lambda: self.execute(task, thread_id=thread_id))

    def _judge_agent(self) -> Agent:
        if self._judge is None or self._judge[0] != id(self.judge):
            from locus.agent import Agent

            judge = self.judge
            is_agent = isinstance(judge, Agent)
            prompt = (judge.system_prompt if is_agent else None) or (
                "You judge a debate. Read the transcript; pick the winner by name "
                "(or 'draw'), say why, and give the answer it supports."
            )
            agent = Agent(
                model=judge.model if is_agent else judge,
                system_prompt=prompt,
                output_schema=self.verdict_type,
                structured_output_retries=self.verdict_retries,
                name=f"{self.name}.judge",
            )
            self._judge = (id(judge), agent)
        return self._judge[1]

    def _build(self) -> StateGraph:
        from locus.multiagent.graph import StateGraph

        graph = StateGraph(_State, name=self.name)
        graph.add_node("round", self._round, destinations=("argue", "judge"))
        graph.add_node("argue", self._argue)
        graph.add_node("judge", self._decide)
        graph.add_edge("__start__", "round")
        graph.add_edge("argue", "round")
        graph.add_edge("judge", "__end__")
        return graph

    def get_graph(self) -> DrawableGraph:
        """Rounds of both debaters, then the judge."""
        from locus.multiagent.graph import END, START, DrawableGraph

        names = self.names()
        edges = [(START, "round", False)]
        for name in names:
            edges += [("round", name, True), (name, "round", False)]
        edges += [("round", "judge", True), ("judge", END, False)]
        return DrawableGraph([START, "round", *names, "judge", END], edges)

    def _input(self, task: str) -> dict[str, Any]:
        return {"topic": task, "round": 0, "transcript": [], "verdict": None}

    def _round(self, state: dict[str, Any]) -> Command:
        done = int(state.get("round", 0))
        if done >= self.rounds:
            return Command(goto="judge")
        sends = [
            Send(
                "argue",
                {
                    "index": i,
                    "round": done + 1,
                    "topic": state["topic"],
                    "transcript": state.get("transcript") or [],
                },
            )
            for i in range(2)
        ]
        return Command(update={"round": done + 1}, goto=sends)

    async def _argue(self, payload: dict[str, Any]) -> dict[str, Any]:
        index = payload["index"]
        names = self.names()
        me, other = names[index], names[1 - index]
        lines = [f"Debate topic: {payload['topic']}", f"You are {me}; your opponent is {other}."]
        transcript = [Argument.model_validate(a) for a in payload["transcript"]]
        if transcript:
            lines.append(
                "Transcript so far:\n"
                + "\n".join(f"[{a.debater}, round {a.round}] {a.text}" for a in transcript)
            )
            lines.append("Answer your opponent's points and make your case.")
        else:
            lines.append("Make your opening case.")
        result = await ask(self.debaters[index], "\n\n".join(lines))
        text = str(getattr(result, "message", result))
        emit(
            "multiagent.debate.argued",
            debater=me,
            round=payload["round"],
            output_preview=text_preview(text),
        )
        return {
            "transcript": [Argument(round=payload["round"], debater=me, text=text).model_dump()]
        }

    async def _decide(self, state: dict[str, Any]) -> dict[str, Any]:
        transcript = sorted(
            (Argument.model_validate(a) for a in state.get("transcript") or []),
            key=lambda a: (a.round, self.names().index(a.debater)),
        )
        listing = "\n".join(f"[{a.debater}, round {a.round}] {a.text}" for a in transcript)
        debaters = ", ".join(self.names())
        prompt = f"Topic: {state['topic']}\nDebaters: {debaters}\n\nTranscript:\n{listing}"
        result = await self._judge_agent().invoke(prompt)
        verdict = result.structured_output
        if not isinstance(verdict, BaseModel):
            verdict = self.verdict_type.model_validate(verdict)
        data = verdict.model_dump(mode="json")
        emit(
            "multiagent.debate.verdict",
            winner=data.get("winner"),
            confidence=data.get("confidence"),
            reasoning_preview=text_preview(data.get("reasoning", "")),
        )
        return {"verdict": data}

    def _result(self, values: dict[str, Any], duration_ms: float) -> DebateResult:
        names = self.names()
        transcript = sorted(
            (Argument.model_validate(a) for a in values.get("transcript") or []),
            key=lambda a: (a.round, names.index(a.debater) if a.debater in names else 2),
        )
        raw = values.get("verdict")
        verdict = self.verdict_type.model_validate(raw) if raw is not None else None
        summary = ""
        if verdict is not None:
            summary = str(getattr(verdict, "answer", "") or getattr(verdict, "reasoning", "") or "")
        return DebateResult(
            debate_id=self.id,
            topic=str(values.get("topic", "")),
            transcript=transcript,
            verdict=verdict,
            summary=summary,
            duration_ms=duration_ms,
        )
