"""Server side: a served tool's ``ToolContext.progress`` becomes MCP progress notifications."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from locus.tools import ToolContext

__all__ = ["ProgressRelay", "RelayContext"]

Report = Callable[[float, str], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class RelayContext(ToolContext):
    """A :class:`ToolContext` whose :meth:`progress` is also sent to the MCP client."""

    relay: ProgressRelay | None = None

    def progress(self, message: str, fraction: float | None = None) -> None:
        """Publish ``agent.tool.progress``; notify the MCP client when it asked for progress."""
        super().progress(message, fraction)
        if self.relay is not None:
            self.relay.send(message, fraction)


class ProgressRelay:
    """Sends progress notifications from any thread, in order, on the server's loop.

    A sync tool body runs in a worker thread, so each report is handed to the
    loop with ``call_soon_threadsafe``; :meth:`flush` waits until every report
    was written, so they reach the client before the call's result.
    """

    def __init__(self, report: Report) -> None:
        self._report = report
        self._loop = asyncio.get_running_loop()
        self._steps = itertools.count(1)
        self._sent: list[asyncio.Task[None]] = []

    def send(self, message: str, fraction: float | None) -> None:
        """Queue one notification (``message``, with the fraction as a percentage)."""
        text = message if fraction is None else f"{message} ({fraction:.0%})"

        def schedule() -> None:
            self._sent.append(self._loop.create_task(self._report(next(self._steps), text)))

        self._loop.call_soon_threadsafe(schedule)

    async def flush(self) -> None:
        """Wait for every queued notification (a failed one is dropped: the result matters more)."""
        await asyncio.sleep(0)  # run callbacks queued by the worker thread
        await asyncio.gather(*self._sent, return_exceptions=True)
