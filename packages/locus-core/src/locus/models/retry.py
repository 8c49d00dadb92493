"""Bounded retries with exponential backoff and full jitter, honouring Retry-After.

Every provider and the ``ModelRetry`` hook use :func:`retry_async`, so the
policy is written once.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from locus.models.failover import FailoverReason, classify

__all__ = ["RetryPolicy", "parse_retry_after", "retry_async"]

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How to retry a failed model call.

    Attributes:
        max_attempts: Total attempts, the first included (1 = no retry).
        initial_delay: Backoff base in seconds.
        max_delay: Cap on one wait, Retry-After included.
        multiplier: Growth per attempt.
        jitter: Full jitter (a uniform draw in [0, backoff]) when True.
    """

    max_attempts: int = 4
    initial_delay: float = 0.5
    max_delay: float = 30.0
    multiplier: float = 2.0
    jitter: bool = True

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before attempt ``attempt + 1`` (``attempt`` is 1-based)."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay)
        backoff = min(self.initial_delay * self.multiplier ** (attempt - 1), self.max_delay)
        return random.uniform(0, backoff) if self.jitter else backoff


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from ``retry-after-ms`` / ``Retry-After`` (delta-seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    if (ms := lowered.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000.0, 0.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    import email.utils  # only HTTP-date values need it; keeps import cheap

    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(parsed.timestamp() - time.time(), 0.0)


async def retry_async(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    *,
    classify_error: Callable[[BaseException], FailoverReason] = classify,
    retry_after: Callable[[BaseException], float | None] = lambda exc: getattr(
        exc, "retry_after", None
    ),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Await ``call()``, retrying retryable failures under ``policy``.

    Args:
        call: Makes one attempt.
        policy: Attempts and backoff.
        classify_error: Maps an exception to a reason; only ``retryable`` ones are retried.
        retry_after: Extracts a server-requested delay from an exception.
        sleep: Awaitable sleep (tests pass a recorder).
        on_retry: Called with (attempt, error, delay) before each wait.

    Raises:
        The last exception when attempts run out or the failure is not retryable.
    """
    attempt = 1
    while True:
        try:
            return await call()
        except Exception as exc:
            if attempt >= policy.max_attempts or not classify_error(exc).retryable:
                raise
            wait = policy.delay(attempt, retry_after(exc))
            if on_retry is not None:
                on_retry(attempt, exc, wait)
            await sleep(wait)
            attempt += 1
