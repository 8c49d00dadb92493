"""State a hook keeps per agent run: :class:`PerRun`."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["PerRun"]

T = TypeVar("T")


class PerRun(Generic[T]):
    """One value per agent run, keyed by ``AgentState.run_id``, at most ``limit`` kept.

    One hook instance serves every run of its agent, and an agent served by
    ``AgentServer`` runs many requests at once: anything a hook learns about
    *a* run (a plan's progress, a judge's history) belongs here, never on the
    hook itself. Past ``limit`` runs the oldest is dropped, so runs nobody
    finished (a consumer that stopped iterating ``agent.run()``) cannot grow
    memory without bound (the same cap as ``TelemetryHook(max_open_runs)``).
    A resumed run keeps its ``run_id``, so it finds its value again in this
    process; what must survive a restart goes into ``state.metadata`` as well.

    Args:
        limit: Most runs kept.
    """

    def __init__(self, limit: int = 1000) -> None:
        if limit < 1:
            from locus.core.errors import ValidationError

            raise ValidationError(f"a hook's per-run limit must be >= 1, got {limit}")
        self.limit = limit
        self._values: OrderedDict[str, T] = OrderedDict()
        self._latest: str | None = None

    def get(self, run_id: str) -> T | None:
        """The value of run ``run_id``, if it is kept."""
        return self._values.get(run_id)

    def setdefault(self, run_id: str, make: Callable[[], T]) -> T:
        """The value of run ``run_id``; ``make()`` it if new (the oldest go past the limit)."""
        value = self._values.get(run_id)
        if value is None:
            while len(self._values) >= self.limit:
                self._values.popitem(last=False)
            value = self._values[run_id] = make()
            self._latest = run_id
        return value

    @property
    def latest(self) -> T | None:
        """The value of the run started last (``None`` before any, or once it was dropped)."""
        return None if self._latest is None else self._values.get(self._latest)

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, run_id: object) -> bool:
        return run_id in self._values
