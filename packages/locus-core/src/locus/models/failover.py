"""Failover classification: what a provider failure means for the caller.

:func:`classify` maps any exception (a provider SDK's, httpx's, or a locus
:class:`~locus.core.errors.ModelError`) and/or an HTTP status to a
:class:`FailoverReason`. Retry layers retry only ``retryable`` reasons;
credential rotation looks for ``AUTH``; context compaction for ``CONTEXT_LENGTH``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["FailoverReason", "classify", "reason_for_status"]


class FailoverReason(StrEnum):
    """Why a model call failed, independent of the exception class."""

    RATE_LIMIT = "rate_limit"
    """429 / throttled: retry after a delay (honour Retry-After)."""
    OVERLOADED = "overloaded"
    """503 / 529 / capacity: retry with backoff, or fail over to another model."""
    SERVER_ERROR = "server_error"
    """5xx: retry with backoff."""
    TIMEOUT = "timeout"
    """The request timed out: retry."""
    CONNECTION = "connection"
    """Could not reach the endpoint: retry, then fail over."""
    AUTH = "auth"
    """401 / 403: rotate credentials; never retry as-is."""
    CONTEXT_LENGTH = "context_length"
    """The prompt is too long: compact the conversation."""
    BAD_REQUEST = "bad_request"
    """400 / 404 / 422: a bug in the request; never retry."""
    CONTENT_FILTER = "content_filter"
    """Refused by the provider's safety filter."""
    MALFORMED_RESPONSE = "malformed_response"
    """The provider answered with something unusable."""
    UNKNOWN = "unknown"

    @property
    def retryable(self) -> bool:
        """Whether retrying the same request may succeed."""
        return self in _RETRYABLE


_RETRYABLE = frozenset(
    {
        FailoverReason.RATE_LIMIT,
        FailoverReason.OVERLOADED,
        FailoverReason.SERVER_ERROR,
        FailoverReason.TIMEOUT,
        FailoverReason.CONNECTION,
    }
)

_CONTEXT_HINTS = (
    "context length",
    "context_length",
    "maximum context",
    "too many tokens",
    "prompt is too long",
    "context window",
)


def reason_for_status(status: int, message: str = "") -> FailoverReason:
    """The reason for an HTTP status (and error text, to spot context-length errors)."""
    lowered = message.lower()
    if status == 429:
        return FailoverReason.RATE_LIMIT
    if status in (401, 403):
        return FailoverReason.AUTH
    if status in (503, 529):
        return FailoverReason.OVERLOADED
    if status == 408:
        return FailoverReason.TIMEOUT
    if status >= 500:
        return FailoverReason.SERVER_ERROR
    if status == 413 or any(h in lowered for h in _CONTEXT_HINTS):
        return FailoverReason.CONTEXT_LENGTH
    if 400 <= status < 500:
        return FailoverReason.BAD_REQUEST
    return FailoverReason.UNKNOWN


def classify(exc: BaseException | None = None, *, status: int | None = None) -> FailoverReason:
    """Classify a failure.

    Looks, in order, at a locus ``ModelError.reason``, an explicit ``status``,
    a ``status_code``/``status`` attribute on the exception or its
    ``response``, then at the exception's type name (``Timeout``,
    ``Connect``...), so it works with any SDK without importing it.
    """
    from locus.core.errors import (
        ModelAuthError,
        ModelError,
        ModelResponseError,
        ModelThrottledError,
    )

    if isinstance(exc, ModelError) and isinstance(exc.reason, FailoverReason):
        return exc.reason
    # a typed locus error without an explicit reason still says what happened
    if isinstance(exc, ModelThrottledError):
        return FailoverReason.RATE_LIMIT
    if isinstance(exc, ModelAuthError):
        return FailoverReason.AUTH
    if isinstance(exc, ModelResponseError):
        return FailoverReason.MALFORMED_RESPONSE
    text = str(exc) if exc is not None else ""
    if status is None and exc is not None:
        for holder in (exc, getattr(exc, "response", None)):
            code = getattr(holder, "status_code", None) or getattr(holder, "status", None)
            if isinstance(code, int):
                status = code
                break
    if status is not None:
        return reason_for_status(status, text)
    if exc is None:
        return FailoverReason.UNKNOWN
    names = " ".join(cls.__name__.lower() for cls in type(exc).__mro__)
    if "timeout" in names:
        return FailoverReason.TIMEOUT
    if "connect" in names or isinstance(exc, ConnectionError):
        return FailoverReason.CONNECTION
    if any(h in text.lower() for h in _CONTEXT_HINTS):
        return FailoverReason.CONTEXT_LENGTH
    return FailoverReason.UNKNOWN
