"""Named DBOS queues for locus runs: worker and global concurrency, rate limits."""

from __future__ import annotations

from dbos import DBOS, Queue
from locus.core.errors import ConfigError

__all__ = ["DEFAULT_QUEUE", "queue_named", "register_queue"]

DEFAULT_QUEUE = "locus"
"""The queue :meth:`DBOSAgent.enqueue` uses when neither it nor the agent names one."""


async def register_queue(
    name: str = DEFAULT_QUEUE,
    *,
    worker_concurrency: int | None = None,
    global_concurrency: int | None = None,
    rate_limit: tuple[int, float] | None = None,
    polling_interval: float = 1.0,
) -> Queue:
    """Declare (or update) the queue ``name`` in the system database; needs a launched DBOS.

    Args:
        name: Queue name.
        worker_concurrency: At most this many of its runs at once in one worker process.
        global_concurrency: At most this many at once across all workers.
        rate_limit: ``(limit, period_seconds)``: at most ``limit`` runs start
            in any window of ``period_seconds``.
        polling_interval: Seconds between a worker's looks for queued runs
            (lower: less latency, more queries).
    """
    for label, value in (
        ("worker_concurrency", worker_concurrency),
        ("global_concurrency", global_concurrency),
    ):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ConfigError(f"{label} must be a positive integer or None, got {value!r}")
    limiter = None
    if rate_limit is not None:
        limit, period = rate_limit
        if limit < 1 or period <= 0:
            raise ConfigError(
                f"rate_limit must be (limit >= 1, period > 0 seconds), got {rate_limit!r}"
            )
        limiter = {"limit": int(limit), "period": float(period)}
    return await DBOS.register_queue_async(
        name,
        worker_concurrency=worker_concurrency,
        global_concurrency=global_concurrency,
        limiter=limiter,  # type: ignore[arg-type]
        polling_interval_sec=polling_interval,
        on_conflict="always_update",
    )


async def queue_named(name: str | None) -> Queue:
    """The registered queue ``name`` (default :data:`DEFAULT_QUEUE`)."""
    queue_name = name or DEFAULT_QUEUE
    found = await DBOS.retrieve_queue_async(queue_name)
    if found is None:
        raise ConfigError(
            f"No DBOS queue named {queue_name!r}: declare it with "
            f"await locus.dbos.register_queue({queue_name!r}, ...) after DBOS.launch()."
        )
    return found
