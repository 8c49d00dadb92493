"""What ``agent.run(...)`` returns: :class:`AgentRun`, awaitable and iterable."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

from locus.agent._sync import iterate_sync
from locus.core.errors import ValidationError

if TYPE_CHECKING:
    from locus.agent.result import AgentResult
    from locus.core.events import LocusEvent

__all__ = ["AgentRun"]


class AgentRun:
    """One run of an agent: await it for the result, or iterate it for its events.

    ``await agent.run("hi")`` gives the :class:`~locus.agent.AgentResult`;
    ``async for event in agent.run("hi")`` yields the typed events (the last is
    a ``TerminateEvent``); ``for event in agent.run("hi")`` does the same from
    sync code (the run goes on in a worker thread with its own event loop).
    After the events are consumed, :attr:`result` holds the result.

    A run starts when it is first awaited or iterated, and can be consumed
    once.
    """

    def __init__(
        self,
        events: Callable[[dict[str, AgentResult]], AsyncIterator[LocusEvent]],
    ) -> None:
        self._factory = events
        self._holder: dict[str, AgentResult] = {}
        self._events: AsyncIterator[LocusEvent] | None = None

    def _start(self) -> AsyncIterator[LocusEvent]:
        if self._events is not None:
            raise ValidationError(
                "this run was already awaited or iterated; call agent.run(...) again for a new run"
            )
        self._events = self._factory(self._holder)
        return self._events

    @property
    def result(self) -> AgentResult:
        """The run's result, once its events have been consumed.

        Raises:
            locus.core.errors.ValidationError: the run has not finished.
        """
        result = self._holder.get("result")
        if result is None:
            raise ValidationError("the run has not finished: await it, or consume its events first")
        return result

    # -- async ---------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[LocusEvent]:
        return self._start()

    def __await__(self) -> Generator[Any, None, AgentResult]:
        return self._collect().__await__()

    async def _collect(self) -> AgentResult:
        async for _ in self._start():
            pass
        return self.result

    # -- sync ----------------------------------------------------------------------

    def __iter__(self) -> Iterator[LocusEvent]:
        return iterate_sync(self._start())
