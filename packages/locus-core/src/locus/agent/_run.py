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

    ``collect``, when given, makes the run that is awaited (whose events
    nobody reads); it may skip building them.
    """

    def __init__(
        self,
        events: Callable[[dict[str, AgentResult]], AsyncIterator[LocusEvent]],
        *,
        collect: Callable[[dict[str, AgentResult]], AsyncIterator[LocusEvent]] | None = None,
    ) -> None:
        self._factory = events
        self._collect_factory = collect or events
        self._holder: dict[str, AgentResult] = {}
        self._events: AsyncIterator[LocusEvent] | None = None

    def _start(self, *, read: bool = True) -> AsyncIterator[LocusEvent]:
        if self._events is not None:
            raise ValidationError(
                "this run was already awaited or iterated; call agent.run(...) again for a new run"
            )
        factory = self._factory if read else self._collect_factory
        self._events = factory(self._holder)
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
        async for _ in self._start(read=False):
            pass
        return self.result

    # -- sync ----------------------------------------------------------------------

    def __iter__(self) -> Iterator[LocusEvent]:
        return iterate_sync(self._start())
