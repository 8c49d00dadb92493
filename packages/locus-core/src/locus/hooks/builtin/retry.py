"""The original locus's ``locus.hooks.builtin.retry``: :class:`ModelRetryHook`.

A :class:`locus.hooks.ModelRetry` with the original's arguments:
``max_retries`` retries (so ``max_retries + 1`` attempts) and
``backoff_factor`` as the backoff growth. Empty model responses are not
retried here, only errors the failover classifier calls transient;
``retry_on_empty`` has no effect and passing it warns with
:class:`~locus.core.warnings.LocusDeprecationWarning` (see ``docs/migrating.md``).
"""

from __future__ import annotations

import warnings

from locus.core.warnings import LocusDeprecationWarning
from locus.hooks.retry import ModelRetry

__all__ = ["ModelRetryHook"]


class ModelRetryHook(ModelRetry):
    """Retry transient model-call failures with exponential backoff and full jitter.

    Args:
        max_retries: Retries after the first attempt.
        initial_delay: Backoff base in seconds.
        max_delay: Cap on one wait.
        backoff_factor: Backoff growth per attempt.
        retry_on_empty: No effect; passing it warns (``LocusDeprecationWarning``).
        priority: Where the hook runs among the agent's hooks.
    """

    def __init__(
        self,
        max_retries: int = 3,
        initial_delay: float = 1.0,
        max_delay: float = 30.0,
        backoff_factor: float = 2.0,
        retry_on_empty: bool | None = None,
        priority: int = 300,
    ) -> None:
        if retry_on_empty is not None:
            warnings.warn(
                "ModelRetryHook(retry_on_empty=...) has no effect: only transient "
                "model errors are retried, an empty answer is not; drop the argument",
                LocusDeprecationWarning,
                stacklevel=2,
            )
        super().__init__(
            max_attempts=max_retries + 1,
            initial_delay=initial_delay,
            max_delay=max_delay,
            multiplier=backoff_factor,
        )
        self.retry_on_empty = retry_on_empty
        self.priority = priority
