"""Failover classification: what a provider failure means for the caller.

:func:`classify` maps any exception (a provider SDK's, httpx's, or a locus
:class:`~locus.core.errors.ModelError`) and/or an HTTP status to a
:class:`FailoverReason`. Retry layers retry only ``retryable`` reasons;
credential rotation looks for ``AUTH``; context compaction for ``CONTEXT_LENGTH``.

The original locus's finer reason names are aliases of the reason that covers
them here (``AUTH_TRANSIENT``/``AUTH_PERMANENT``/``BILLING`` are ``AUTH``,
``CONTEXT_TOO_LONG``/``PAYLOAD_TOO_LARGE`` are ``CONTEXT_LENGTH``,
``MODEL_NOT_FOUND``/``FORMAT_ERROR`` are ``BAD_REQUEST``), and
:class:`FailoverDecision` is its decision record (see ``docs/migrating.md``).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

__all__ = ["FailoverDecision", "FailoverReason", "classify", "reason_for_status"]


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
    EMPTY_RESPONSE = "empty_response"
    """The provider answered with neither text nor tool calls: ask again."""
    UNKNOWN = "unknown"

    # the original locus's names: aliases of the reason covering them here
    AUTH_TRANSIENT = "auth"
    AUTH_PERMANENT = "auth"
    BILLING = "auth"
    CONTEXT_TOO_LONG = "context_length"
    PAYLOAD_TOO_LARGE = "context_length"
    MODEL_NOT_FOUND = "bad_request"
    FORMAT_ERROR = "bad_request"

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
        FailoverReason.EMPTY_RESPONSE,
    }
)

_FALLBACK = frozenset(
    {FailoverReason.OVERLOADED, FailoverReason.CONNECTION, FailoverReason.SERVER_ERROR}
)


class FailoverDecision(BaseModel):
    """What to do about one failed model call (the original locus's decision record).

    Built by :meth:`from_exception` from :func:`classify`'s reason.

    Attributes:
        reason: Why the call failed.
        status_code: The HTTP status, when known.
        retryable: Retrying the same request may succeed.
        should_rotate_credential: Try other credentials (``AUTH``).
        should_compress: Shorten the conversation (``CONTEXT_LENGTH``).
        should_fallback: Another model / endpoint may serve it (overload,
            connection or server errors).
        message: The error text.
    """

    model_config = ConfigDict(frozen=True)

    reason: FailoverReason
    status_code: int | None = None
    retryable: bool = False
    should_rotate_credential: bool = False
    should_compress: bool = False
    should_fallback: bool = False
    message: str = ""

    @classmethod
    def from_exception(
        cls, exc: BaseException | None = None, *, status: int | None = None
    ) -> FailoverDecision:
        """The decision for ``exc`` (and/or an HTTP ``status``), via :func:`classify`."""
        reason = classify(exc, status=status)
        if status is None and exc is not None:
            status = _status_of(exc)
        return cls(
            reason=reason,
            status_code=status,
            retryable=reason.retryable,
            should_rotate_credential=reason is FailoverReason.AUTH,
            should_compress=reason is FailoverReason.CONTEXT_LENGTH,
            should_fallback=reason in _FALLBACK,
            message=str(exc) if exc is not None else "",
        )


def _status_of(exc: BaseException) -> int | None:
    for holder in (exc, getattr(exc, "response", None)):
        code = getattr(holder, "status_code", None) or getattr(holder, "status", None)
        if isinstance(code, int):
            return code
    return None


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
        status = _status_of(exc)
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
