"""The original locus's ``locus.loop.react``: :class:`ReActLoop` over :class:`~locus.agent.Agent`.

A façade at the original's import path: it sits above :mod:`locus.agent`
(the loop itself is the agent's), and builds an ``Agent`` from the loop's
configuration for each run, so a run here is an agent run with the same
events, checkpoints and hooks:

- ``max_iterations`` and ``system_prompt`` are the agent's;
- ``enable_reflection`` turns on :class:`~locus.reasoning.Reflexion` (a model
  side call per turn here, not a heuristic), and then ``confidence_threshold``
  stops the run through ``ConfidenceMet(confidence_threshold)``;
- ``terminal_tools`` stop the run through ``ToolCalled(name)``;
- ``reflect_interval`` other than 1 is refused (Reflexion evaluates every turn).

See ``docs/migrating.md``.
"""

from __future__ import annotations

import functools
import operator
import uuid
from collections.abc import AsyncIterator, Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from locus.agent import Agent, AgentRun
from locus.checkpoint.memory import MemoryCheckpointer
from locus.core.errors import ValidationError
from locus.core.events import LocusEvent
from locus.core.state import AgentState
from locus.core.termination import ConfidenceMet, ToolCalled

__all__ = ["ReActLoop", "ReActLoopConfig", "create_react_loop"]


class ReActLoopConfig(BaseModel):
    """Settings of a :class:`ReActLoop`.

    Attributes:
        max_iterations: Cap on Think → Execute → Reflect iterations.
        confidence_threshold: With reflection on, stop once Reflexion's
            confidence reaches it (``ConfidenceMet``).
        enable_reflection: Evaluate each turn with Reflexion (one model side call per turn).
        reflect_interval: Must be 1: Reflexion evaluates every turn.
        system_prompt: The system prompt.
        terminal_tools: Stop the run once one of these tools was called (``ToolCalled``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_iterations: int = Field(default=20, ge=1)
    confidence_threshold: float = Field(default=0.85, ge=0.0, le=1.0)
    enable_reflection: bool = True
    reflect_interval: int = 1
    system_prompt: str | None = None
    terminal_tools: list[str] = Field(default_factory=list)

    @field_validator("reflect_interval")
    @classmethod
    def _every_turn(cls, value: int) -> int:
        if value != 1:
            raise ValueError(
                "Reflexion evaluates every turn here, so reflect_interval must be 1; to evaluate "
                "only final answers, use Agent(reflexion=Reflexion(final_turn_only=True))"
            )
        return value


class ReActLoop:
    """Think → Execute → Reflect → Terminate over a model and its tools.

    ``loop.run(prompt)`` yields the typed events of an agent run;
    ``await loop.run_to_completion(prompt)`` returns ``(final_state, events)``.

    Args:
        model: A model object or a ``"provider:model"`` string.
        registry: The tools: a :class:`~locus.tools.registry.ToolRegistry` or any
            iterable of tools (``None``: no tools).
        config: The loop's settings (defaults when ``None``).
    """

    def __init__(
        self,
        model: Any,
        registry: Iterable[Any] | None = None,
        config: ReActLoopConfig | None = None,
    ) -> None:
        self.model = model
        self.registry = registry
        self.config = config or ReActLoopConfig()

    def __repr__(self) -> str:
        return f"ReActLoop(model={self.model!r}, config={self.config!r})"

    def with_config(self, config: ReActLoopConfig | None = None, **updates: Any) -> ReActLoop:
        """A loop over the same model and tools with ``config`` or these fields changed."""
        base = config or self.config
        merged = ReActLoopConfig.model_validate({**base.model_dump(), **updates})
        return ReActLoop(self.model, self.registry, merged)

    def agent(self, checkpointer: Any = None) -> Agent:
        """The :class:`~locus.agent.Agent` one run of this loop is."""
        config = self.config
        conditions: list[Any] = [ToolCalled(name) for name in config.terminal_tools]
        if config.enable_reflection:
            conditions.append(ConfidenceMet(config.confidence_threshold))
        termination = functools.reduce(operator.or_, conditions) if conditions else None
        return Agent(
            model=self.model,
            tools=list(self.registry or ()),
            system_prompt=config.system_prompt,
            reflexion=config.enable_reflection,
            termination=termination,
            max_iterations=config.max_iterations,
            checkpointer=checkpointer,
        )

    async def start(
        self, prompt: Any, initial_state: AgentState | None = None, **state_kwargs: Any
    ) -> AgentRun:
        """The run of ``prompt`` (not started yet), continuing ``initial_state`` if given.

        ``state_kwargs`` set fields of the starting :class:`~locus.core.state.AgentState`
        (``metadata={...}``...).

        Raises:
            locus.core.errors.ValidationError: a ``state_kwargs`` key is not an
                ``AgentState`` field.
        """
        unknown = sorted(set(state_kwargs) - set(AgentState.model_fields))
        if unknown:
            raise ValidationError(
                f"unknown AgentState field(s) {unknown}; known: {sorted(AgentState.model_fields)}"
            )
        if initial_state is None and not state_kwargs:
            return self.agent().run(prompt)
        state = (initial_state or AgentState()).model_copy(deep=True, update=state_kwargs)
        thread_id = state.thread_id or f"react-{uuid.uuid4().hex[:12]}"
        state.thread_id = thread_id
        checkpointer = MemoryCheckpointer()
        await checkpointer.save(state, thread_id)
        return self.agent(checkpointer).run(prompt, thread_id=thread_id)

    async def run(
        self, prompt: Any, initial_state: AgentState | None = None, **state_kwargs: Any
    ) -> AsyncIterator[LocusEvent]:
        """Run the loop, yielding each typed event (the last is a ``TerminateEvent``)."""
        async for event in await self.start(prompt, initial_state, **state_kwargs):
            yield event

    async def run_to_completion(
        self, prompt: Any, initial_state: AgentState | None = None, **state_kwargs: Any
    ) -> tuple[AgentState, list[LocusEvent]]:
        """Run the loop to its end; returns the final state and every event."""
        run = await self.start(prompt, initial_state, **state_kwargs)
        events = [event async for event in run]
        state = run.result.state
        assert state is not None  # an agent's result always carries its final state
        return state, events


def create_react_loop(
    model: Any,
    registry: Iterable[Any] | None = None,
    *,
    max_iterations: int = 20,
    confidence_threshold: float = 0.85,
    enable_reflection: bool = True,
    system_prompt: str | None = None,
) -> ReActLoop:
    """A :class:`ReActLoop` with these settings."""
    config = ReActLoopConfig(
        max_iterations=max_iterations,
        confidence_threshold=confidence_threshold,
        enable_reflection=enable_reflection,
        system_prompt=system_prompt,
    )
    return ReActLoop(model, registry, config)
