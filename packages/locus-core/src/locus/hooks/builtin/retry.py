"""The original locus's ``locus.hooks.builtin.retry``: :class:`ModelRetryHook`.

A :class:`locus.hooks.ModelRetry` with the original's arguments:
``max_retries`` retries (so ``max_retries + 1`` attempts) and
``backoff_factor`` as the backoff growth. Besides the errors the failover
classifier calls transient, ``retry_on_empty=True`` (the default) asks again
when the model answers with neither text nor tool calls, within the same
attempt budget; when every attempt comes back empty, the last (empty) answer
is returned, as without the hook.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from locus.core.errors import ModelResponseError
from locus.hooks.retry import ModelRetry
from locus.models.failover import FailoverReason

if TYPE_CHECKING:
    from locus.hooks._base import BeforeModelCallEvent, ModelCall
    from locus.models.response import ModelResponse

__all__ = ["EmptyModelResponseError", "ModelRetryHook", "is_empty_response"]


class EmptyModelResponseError(ModelResponseError):
    """The model answered with neither text nor tool calls (reason ``EMPTY_RESPONSE``).

    Raised only between attempts inside :class:`ModelRetryHook`; it carries
    the empty ``response`` so that the last one can be returned.
    """

    def __init__(self, response: ModelResponse) -> None:
        super().__init__(
            "the model returned an empty response", reason=FailoverReason.EMPTY_RESPONSE
        )
        self.response = response


def is_empty_response(response: ModelResponse) -> bool:
    """Whether ``response`` has no text (beyond whitespace) and no tool calls."""
    message = response.message
    return not (message.content or "").strip() and not message.tool_calls


class ModelRetryHook(ModelRetry):
    """Retry transient model-call failures and empty answers with exponential backoff.

    Args:
        max_retries: Retries after the first attempt (errors and empty answers share them).
        initial_delay: Backoff base in seconds.
        max_delay: Cap on one wait.
        backoff_factor: Backoff growth per attempt.
        retry_on_empty: Ask again when the model answers with neither text nor
            tool calls (each retry is published as ``agent.model.retry`` with
            reason ``empty_response``).
        priority: Where the hook runs among the agent's hooks.
    """

    name = "ModelRetryHook"

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
        self.retry_on_empty = bool(retry_on_empty)
        self.priority = priority

    async def around_model_call(
        self, call: ModelCall, event: BeforeModelCallEvent
    ) -> ModelResponse:
        if not self.retry_on_empty:
            return await super().around_model_call(call, event)

        async def attempt() -> ModelResponse:
            response = await call()
            if is_empty_response(response):
                raise EmptyModelResponseError(response)
            return response

        try:
            return await super().around_model_call(attempt, event)
        except EmptyModelResponseError as exc:  # every attempt was empty: keep the answer
            return exc.response
