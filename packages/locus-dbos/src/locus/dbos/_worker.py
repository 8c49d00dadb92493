"""A worker process: load agents, launch DBOS, run queued workflows until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence
from typing import Any

from dbos import DBOS
from locus.agent import Agent
from locus.core.errors import ConfigError
from locus.dbos._agent import DBOSAgent
from locus.dbos._config import configure
from locus.dbos._queue import DEFAULT_QUEUE, register_queue
from locus.plugins._registry import resolve_target

__all__ = ["run_worker"]


def _as_dbos_agent(target: str, queue: str) -> DBOSAgent | None:
    obj: Any = resolve_target(target)
    if isinstance(obj, DBOSAgent):
        return obj
    if isinstance(obj, Agent):
        return DBOSAgent(obj, queue=queue)
    if callable(obj) and hasattr(obj, "__name__"):  # a durable_workflow: registered on import
        return None
    raise ConfigError(
        f"{target!r} is a {type(obj).__name__}, not an Agent, a DBOSAgent or a "
        "durable_workflow; point `locus worker` at one (module:attribute)."
    )


async def run_worker(
    targets: Sequence[str],
    *,
    queue: str = DEFAULT_QUEUE,
    worker_concurrency: int | None = None,
    global_concurrency: int | None = None,
    rate_limit: tuple[int, float] | None = None,
    polling_interval: float = 1.0,
    system_database_url: str | None = None,
    executor_id: str | None = None,
    application_version: str | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Import ``targets`` (``module:attribute``), launch DBOS, run ``queue`` until ``stop``/SIGTERM.

    On launch the worker recovers the unfinished workflows of its
    ``executor_id`` (a worker restarted under the id of one that died takes
    over its runs), then dequeues within the queue's limits.
    """
    configure(
        system_database_url=system_database_url,
        executor_id=executor_id,
        application_version=application_version,
    )
    for target in targets:
        _as_dbos_agent(target, queue)
    DBOS.launch()
    try:
        await register_queue(
            queue,
            worker_concurrency=worker_concurrency,
            global_concurrency=global_concurrency,
            rate_limit=rate_limit,
            polling_interval=polling_interval,
        )
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        print(f"locus worker {DBOS.executor_id} listening on queue {queue!r}", flush=True)
        await stop.wait()
    finally:
        DBOS.destroy(workflow_completion_timeout_sec=5)
