"""The original locus's ``locus.hooks.builtin.retry``: :class:`ModelRetryHook`.

A :class:`locus.hooks.ModelRetry` with the original's arguments:
``max_retries`` retries (so ``max_retries + 1`` attempts) and
``backoff_factor`` as the backoff growth. Empty model responses are not
retried here (``retry_on_empty`` is kept for compatibility; see
``docs/migrating.md``): only errors the failover classifier calls transient are.
"""

from __future__ import annotations

from locus.hooks.retry import ModelRetry

__all__ = ["ModelRetryHook"]


class ModelRetryHook(ModelRetry):
    """Retry transient model-call failures with exponential backoff and full jitter.

    Args:
        max_retries: Retries after the first attempt.
        initial_delay: Backoff base in seconds.
        max_delay: Cap on one wait.
        backoff_factor: Backoff growth per attempt.
        retry_on_empty: Accepted for compatibility; has no effect.
        priority: Where the hook runs among the agent's hooks.
    """

    def __init__(
        self,
        max_retries: int = 3,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
        backoff_factor: float = 2.0,
        retry_on_empty: bool = True,
        priority: int = 300,
    ) -> None:
        super().__init__(
            max_attempts=max_retries + 1,
            initial_delay=initial_delay,
            max_delay=max_delay,
            multiplier=backoff_factor,
        )
        self.retry_on_empty = retry_on_empty
        self.priority = priority
