"""The original locus's ``locus.loop.runner``: drive a :class:`~locus.loop.react.ReActLoop`.

- :class:`StreamingCollector` sorts a run's events (think / tool / reflect /
  terminate) as they are collected.
- :class:`LoopRunner` runs a loop with callbacks (``on_event`` per event,
  ``on_complete`` with the final state, ``on_error`` with the error), an
  overall ``timeout`` and, with ``retry_on_error``, up to ``max_retries``
  fresh attempts after a failed one.
- :class:`BatchRunner` runs one loop over many prompts, at most
  ``max_concurrency`` at a time.

A façade at the original's import path over ``ReActLoop`` (so over
:class:`~locus.agent.Agent`); see ``docs/migrating.md``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from locus.core.errors import ValidationError
from locus.core.events import (
    LocusEvent,
    ReflectEvent,
    TerminateEvent,
    ThinkEvent,
    ToolCompleteEvent,
    ToolStartEvent,
)
from locus.core.state import AgentState
from locus.loop.react import ReActLoop, create_react_loop

__all__ = ["BatchRunner", "LoopRunner", "StreamingCollector", "create_runner"]


@dataclass
class StreamingCollector:
    """Collects a run's events, sorted by kind.

    Attributes:
        events: Every collected event, in order.
        think_events: The ``ThinkEvent`` s.
        tool_events: ``ToolStartEvent`` and ``ToolCompleteEvent`` s.
        reflect_events: The ``ReflectEvent`` s.
        terminate_event: The ``TerminateEvent``, once collected.
    """

    events: list[LocusEvent] = field(default_factory=list)
    think_events: list[ThinkEvent] = field(default_factory=list)
    tool_events: list[ToolStartEvent | ToolCompleteEvent] = field(default_factory=list)
    reflect_events: list[ReflectEvent] = field(default_factory=list)
    terminate_event: TerminateEvent | None = None

    def collect(self, event: LocusEvent) -> None:
        """Record ``event``."""
        self.events.append(event)
        if isinstance(event, ThinkEvent):
            self.think_events.append(event)
        elif isinstance(event, ToolStartEvent | ToolCompleteEvent):
            self.tool_events.append(event)
        elif isinstance(event, ReflectEvent):
            self.reflect_events.append(event)
        elif isinstance(event, TerminateEvent):
            self.terminate_event = event

    @property
    def is_complete(self) -> bool:
        """Whether the run's ``TerminateEvent`` was collected."""
        return self.terminate_event is not None

    @property
    def iterations(self) -> int:
        """Iterations of the run (its ``TerminateEvent``'s, else the Think turns seen)."""
        if self.terminate_event is not None:
            return self.terminate_event.iterations
        return len(self.think_events)

    @property
    def final_confidence(self) -> float | None:
        """The run's last Reflexion confidence, if any."""
        if self.terminate_event is not None and self.terminate_event.final_confidence is not None:
            return self.terminate_event.final_confidence
        return self.reflect_events[-1].confidence if self.reflect_events else None

    def reset(self) -> None:
        """Forget every collected event."""
        self.events = []
        self.think_events = []
        self.tool_events = []
        self.reflect_events = []
        self.terminate_event = None


class LoopRunner:
    """Runs a :class:`ReActLoop` with callbacks, a timeout and retries.

    Args:
        loop: The loop to run.
        on_event: Called with each event as it happens.
        on_error: Called with the error of a failed run (after the last retry).
        on_complete: Called with the final :class:`~locus.core.state.AgentState`.
        timeout: Seconds one attempt may take (``None``: no limit); past it
            the attempt fails with ``TimeoutError``.
        retry_on_error: Start a fresh attempt after a failed one.
        max_retries: Fresh attempts after the first, with ``retry_on_error``.
    """

    def __init__(
        self,
        loop: ReActLoop,
        on_event: Callable[[LocusEvent], Any] | None = None,
        on_error: Callable[[BaseException], Any] | None = None,
        on_complete: Callable[[AgentState], Any] | None = None,
        timeout: float | None = None,
        retry_on_error: bool = False,
        max_retries: int = 3,
    ) -> None:
        if timeout is not None and timeout <= 0:
            raise ValidationError(f"LoopRunner(timeout) must be > 0 seconds, got {timeout}")
        if max_retries < 0:
            raise ValidationError(f"LoopRunner(max_retries) must be >= 0, got {max_retries}")
        self.loop = loop
        self.on_event = on_event
        self.on_error = on_error
        self.on_complete = on_complete
        self.timeout = timeout
        self.retry_on_error = retry_on_error
        self.max_retries = max_retries
        self._collector = StreamingCollector()
        self._final_state: AgentState | None = None

    @property
    def events(self) -> list[LocusEvent]:
        """Events of the latest attempt."""
        return list(self._collector.events)

    @property
    def final_state(self) -> AgentState | None:
        """Final state of the latest completed run."""
        return self._final_state

    async def run(self, prompt: Any, **kwargs: Any) -> AsyncIterator[LocusEvent]:
        """Run ``prompt``, yielding each event (``kwargs`` as ``ReActLoop.run``).

        A retried attempt starts afresh and yields its events again from the start.
        """
        attempts = 1 + (self.max_retries if self.retry_on_error else 0)
        for attempt in range(1, attempts + 1):
            self._collector.reset()
            try:
                async for event in self._attempt(prompt, kwargs):
                    yield event
                break
            except Exception as exc:
                if attempt < attempts:
                    continue
                if self.on_error is not None:
                    self.on_error(exc)
                raise
        if self.on_complete is not None and self._final_state is not None:
            self.on_complete(self._final_state)

    async def _attempt(self, prompt: Any, kwargs: dict[str, Any]) -> AsyncIterator[LocusEvent]:
        run = await self.loop.start(prompt, **kwargs)
        async with asyncio.timeout(self.timeout):
            async for event in run:
                self._collector.collect(event)
                if self.on_event is not None:
                    self.on_event(event)
                yield event
        self._final_state = run.result.state

    async def run_to_completion(
        self, prompt: Any, **kwargs: Any
    ) -> tuple[AgentState, list[LocusEvent]]:
        """Run ``prompt`` to its end; returns the final state and the events."""
        async for _ in self.run(prompt, **kwargs):
            pass
        assert self._final_state is not None
        return self._final_state, self.events


class BatchRunner:
    """Runs one loop over many prompts concurrently.

    Args:
        loop: The loop to run.
        max_concurrency: Runs in flight at once.
    """

    def __init__(self, loop: ReActLoop, max_concurrency: int = 5) -> None:
        if max_concurrency < 1:
            raise ValidationError(
                f"BatchRunner(max_concurrency) must be >= 1, got {max_concurrency}"
            )
        self.loop = loop
        self.max_concurrency = max_concurrency

    async def run_batch(self, prompts: Iterable[Any]) -> list[tuple[AgentState, list[LocusEvent]]]:
        """Run every prompt; returns ``(final_state, events)`` per prompt, in order.

        Raises:
            The first run's error, after the other runs were cancelled.
        """
        gate = asyncio.Semaphore(self.max_concurrency)

        async def one(prompt: Any) -> tuple[AgentState, list[LocusEvent]]:
            async with gate:
                return await self.loop.run_to_completion(prompt)

        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(p)) for p in prompts]
        return [task.result() for task in tasks]


def create_runner(
    model: Any,
    registry: Iterable[Any] | None = None,
    *,
    max_iterations: int = 20,
    confidence_threshold: float = 0.85,
    enable_reflection: bool = True,
    system_prompt: str | None = None,
    timeout: float | None = None,
    on_event: Callable[[LocusEvent], Any] | None = None,
) -> LoopRunner:
    """A :class:`LoopRunner` over a :func:`~locus.loop.react.create_react_loop` loop."""
    loop = create_react_loop(
        model,
        registry,
        max_iterations=max_iterations,
        confidence_threshold=confidence_threshold,
        enable_reflection=enable_reflection,
        system_prompt=system_prompt,
    )
    return LoopRunner(loop, on_event=on_event, timeout=timeout)
