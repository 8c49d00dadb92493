"""What the compiler produces: a Runnable wrapping one locus primitive, and its result."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from locus.router.goal_frame import GoalFrame

__all__ = [
    "A2ARunnable",
    "AgentRunnable",
    "DebateRunnable",
    "PipelineRunnable",
    "Runnable",
    "RunnableResult",
    "wrap_a2a",
    "wrap_agent",
    "wrap_debate",
    "wrap_pipeline",
]


class RunnableResult(BaseModel):
    """What running a compiled protocol produced.

    Attributes:
        text: The final answer ('' while a run awaits approval).
        parsed: A typed result when the primitive has one (a debate's verdict).
        raw: The primitive's own result (``AgentResult``, ``DebateResult``...).
        protocol_id: The protocol that ran.
        frame: The frame it ran for.
        status: ``"completed"``, ``"awaiting_approval"`` or ``"rejected"``.
        thread_id: Checkpoint thread of an approval-gated run (resume it with this).
        interrupts: Pending approval requests, for ``awaiting_approval``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    text: str = ""
    parsed: Any = None
    raw: Any = None
    protocol_id: str
    frame: GoalFrame | None = None
    status: str = "completed"
    thread_id: str | None = None
    interrupts: list[dict[str, Any]] = Field(default_factory=list)


@runtime_checkable
class Runnable(Protocol):
    """A compiled protocol: ``await runnable.execute(text)``."""

    protocol_id: str

    @property
    def shape(self) -> str:
        """The compiled runtime, in words (``"ParallelPipeline[3 agents]"``)."""
        ...

    async def execute(self, text: str) -> RunnableResult:
        """Run the request through the primitive."""
        ...


class _Wrapped(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    protocol_id: str
    frame: GoalFrame

    def _done(self, text: str, raw: Any, parsed: Any = None) -> RunnableResult:
        return RunnableResult(
            text=text, parsed=parsed, raw=raw, protocol_id=self.protocol_id, frame=self.frame
        )


class AgentRunnable(_Wrapped):
    """One :class:`~locus.agent.Agent`."""

    agent: Any

    @property
    def shape(self) -> str:
        """``Agent[<tools>]``."""
        return f"Agent[{', '.join(t.name for t in self.agent.tools.values())}]"

    async def execute(self, text: str) -> RunnableResult:
        """Invoke the agent."""
        result = await self.agent.invoke(text)
        return self._done(result.message, result, result.structured_output)


class PipelineRunnable(_Wrapped):
    """A SequentialPipeline, ParallelPipeline or LoopAgent."""

    pipeline: Any

    @property
    def shape(self) -> str:
        """``<Pipeline class>[<step names>]``."""
        pipeline = self.pipeline
        steps = getattr(pipeline, "agents", None) or [pipeline.agent]
        names = ", ".join(str(getattr(s, "name", None) or type(s).__name__) for s in steps)
        return f"{type(pipeline).__name__}[{names}]"

    async def execute(self, text: str) -> RunnableResult:
        """Invoke the pipeline."""
        result = await self.pipeline.invoke(text)
        return self._done(result.message, result)


class DebateRunnable(_Wrapped):
    """A :class:`~locus.multiagent.debate.Debate`: two debaters and a judge."""

    debate: Any

    @property
    def shape(self) -> str:
        """``Debate[<debaters> -> judge]``."""
        return f"Debate[{', '.join(self.debate.names())} -> judge]"

    async def execute(self, text: str) -> RunnableResult:
        """Run the debate; ``parsed`` is the judge's verdict."""
        result = await self.debate.execute(text)
        return self._done(result.summary, result, result.verdict)


class A2ARunnable(_Wrapped):
    """A remote agent reached through an A2A client (``locus.a2a.A2AClient``).

    Attributes:
        client: Anything with ``async invoke(text) -> str``.
        owns_client: Close the client (``aclose()``) after the run: set when
            the compiler built it from an endpoint.
    """

    client: Any
    owns_client: bool = False

    @property
    def shape(self) -> str:
        """``A2AClient[<url>]``."""
        return f"{type(self.client).__name__}[{getattr(self.client, 'url', '?')}]"

    async def execute(self, text: str) -> RunnableResult:
        """Send the request to the remote agent."""
        try:
            answer = await self.client.invoke(text)
        finally:
            if self.owns_client:
                await self.client.aclose()
        return self._done(str(answer), answer)


def wrap_agent(agent: Any, protocol_id: str, frame: GoalFrame) -> AgentRunnable:
    """An :class:`AgentRunnable`."""
    return AgentRunnable(agent=agent, protocol_id=protocol_id, frame=frame)


def wrap_pipeline(pipeline: Any, protocol_id: str, frame: GoalFrame) -> PipelineRunnable:
    """A :class:`PipelineRunnable`."""
    return PipelineRunnable(pipeline=pipeline, protocol_id=protocol_id, frame=frame)


def wrap_debate(debate: Any, protocol_id: str, frame: GoalFrame) -> DebateRunnable:
    """A :class:`DebateRunnable`."""
    return DebateRunnable(debate=debate, protocol_id=protocol_id, frame=frame)


def wrap_a2a(client: Any, protocol_id: str, frame: GoalFrame) -> A2ARunnable:
    """An :class:`A2ARunnable`."""
    return A2ARunnable(client=client, protocol_id=protocol_id, frame=frame)
