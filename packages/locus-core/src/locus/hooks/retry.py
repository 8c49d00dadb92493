"""``ModelRetry``: retry throttled / transient model failures with bounded backoff."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from locus.hooks._base import BeforeModelCallEvent, HookProvider, ModelCall
from locus.models.failover import FailoverReason, classify
from locus.models.retry import RetryPolicy, retry_async

if TYPE_CHECKING:
    from locus.models.response import ModelResponse

__all__ = ["ModelRetry", "classify_model_error"]


def classify_model_error(exc: BaseException) -> FailoverReason:
    """Alias of :func:`~locus.models.failover.classify` (which reads typed locus errors too)."""
    return classify(exc)


class ModelRetry(HookProvider):
    """Retry a failed model call when :func:`locus.models.failover.classify` says it may succeed.

    Throttling, overload, 5xx, timeouts and connection errors are retried with
    exponential backoff and full jitter (honouring a ``retry_after`` the error
    carries); auth and bad-request errors are raised at once. Each retry is
    published as ``agent.model.retry``.

    Args:
        max_attempts: Total attempts, the first included.
        initial_delay: Backoff base in seconds.
        max_delay: Cap on one wait.
        multiplier: Backoff growth per attempt.
        jitter: Full jitter when True.
        sleep: Awaitable sleep (tests pass a recorder).
    """

    name = "ModelRetry"

    def __init__(
        self,
        max_attempts: int = 4,
        initial_delay: float = 0.5,
        max_delay: float = 30.0,
        multiplier: float = 2.0,
        *,
        jitter: bool = True,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        from locus.core.errors import ValidationError

        if max_attempts < 1:
            raise ValidationError(f"ModelRetry(max_attempts) must be >= 1, got {max_attempts}")
        self.policy = RetryPolicy(
            max_attempts=max_attempts,
            initial_delay=initial_delay,
            max_delay=max_delay,
            multiplier=multiplier,
            jitter=jitter,
        )
        self._sleep = sleep
        self.retries = 0

    async def around_model_call(
        self, call: ModelCall, event: BeforeModelCallEvent
    ) -> ModelResponse:
        model_name = getattr(getattr(event.agent, "model", None), "model", None)

        def on_retry(attempt: int, exc: BaseException, delay: float) -> None:
            from locus.observability import emit

            self.retries += 1
            emit(
                "agent.model.retry",
                model=str(model_name) if model_name else None,
                attempt=attempt,
                delay_s=delay,
                reason=classify(exc).value,
            )

        return await retry_async(
            call,
            self.policy,
            classify_error=classify,
            sleep=self._sleep,
            on_retry=on_retry,
        )
