"""Map Anthropic SDK / HTTP failures onto the locus error hierarchy."""

from __future__ import annotations

import json
from typing import Any

from locus.core.errors import (
    LocusError,
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
    ValidationError,
)
from locus.models.failover import FailoverReason, classify, reason_for_status
from locus.models.retry import parse_retry_after

__all__ = ["error_from_payload", "malformed_response", "map_anthropic_error", "missing_key_error"]

PROVIDER = "anthropic"

# Anthropic's ``error.type`` values; they win over the HTTP status because an
# error event inside a 200 SSE stream carries only the type.
_ERROR_TYPES: dict[str, FailoverReason] = {
    "overloaded_error": FailoverReason.OVERLOADED,
    "rate_limit_error": FailoverReason.RATE_LIMIT,
    "api_error": FailoverReason.SERVER_ERROR,
    "timeout_error": FailoverReason.TIMEOUT,
    "authentication_error": FailoverReason.AUTH,
    "permission_error": FailoverReason.AUTH,
    "request_too_large": FailoverReason.CONTEXT_LENGTH,
    "not_found_error": FailoverReason.BAD_REQUEST,
    "billing_error": FailoverReason.AUTH,
}


def missing_key_error(env_var: str = "ANTHROPIC_API_KEY") -> ModelAuthError:
    """The error for a missing API key: where to put one, and how to try offline."""
    return ModelAuthError(
        f"no API key for {PROVIDER}: pass api_key=... or set the {env_var} environment "
        "variable. To try locus without a key, use an offline model: Agent(model='test').",
        reason=FailoverReason.AUTH,
    )


def malformed_response(detail: str, cause: BaseException | None = None) -> ModelResponseError:
    """A :class:`ModelResponseError` for an unusable response body."""
    return ModelResponseError(
        f"{PROVIDER} returned a malformed response: {detail}",
        cause=cause,
        reason=FailoverReason.MALFORMED_RESPONSE,
    )


def _error_body(exc: BaseException) -> Any:
    body = getattr(exc, "body", None)
    if body is None:
        response = getattr(exc, "response", None)
        if response is not None:
            try:
                body = json.loads(response.text)
            except Exception:
                body = None
    return body


def _error_fields(exc: BaseException, body: Any) -> tuple[str | None, str]:
    """``(error.type, error.message)`` from an Anthropic error body."""
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict):
            kind = err.get("type")
            text = err.get("message") or str(getattr(exc, "message", None) or exc)
            return (kind if isinstance(kind, str) else None), str(text)
    return None, str(getattr(exc, "message", None) or exc)


def _status_error(
    status: int,
    kind: str | None,
    text: str,
    headers: dict[str, str],
    cause: BaseException | None,
) -> LocusError:
    reason = _ERROR_TYPES.get(kind or "") or reason_for_status(status, text)
    if reason is FailoverReason.BAD_REQUEST:
        reason = reason_for_status(status, text)
    label = f"HTTP {status}" + (f" {kind}" if kind else "")
    message = f"{PROVIDER} request failed with {label}: {text}"
    if reason is FailoverReason.AUTH:
        return ModelAuthError(
            message + " (check ANTHROPIC_API_KEY / api_key=; to try offline use "
            "Agent(model='test'))",
            cause=cause,
            reason=reason,
        )
    if reason is FailoverReason.RATE_LIMIT:
        return ModelThrottledError(
            message, cause=cause, reason=reason, retry_after=parse_retry_after(headers)
        )
    if reason is FailoverReason.OVERLOADED:
        return ModelError(
            message + " (Anthropic is overloaded; retried with backoff)", cause=cause, reason=reason
        )
    return ModelError(message, cause=cause, reason=reason)


def error_from_payload(payload: dict[str, Any], *, status: int = 200) -> LocusError:
    """The locus error for an Anthropic error body (``{"type": "error", "error": {...}}``).

    Used for ``error`` events inside a stream, where only ``error.type`` says
    what happened (``overloaded_error`` → ``FailoverReason.OVERLOADED``).
    """
    kind, text = _error_fields(Exception("stream error"), payload)
    return _status_error(status, kind, text, {}, None)


def map_anthropic_error(exc: BaseException) -> LocusError:
    """Translate an Anthropic SDK (or HTTP client) exception into a locus error.

    401/403 → :class:`~locus.core.errors.ModelAuthError`; 429 →
    :class:`~locus.core.errors.ModelThrottledError` with ``retry_after`` from
    ``retry-after``; ``overloaded_error`` (HTTP 529, or an error event inside a
    stream) → :class:`~locus.core.errors.ModelError` with
    ``FailoverReason.OVERLOADED``; other statuses → ``ModelError`` whose
    ``reason`` comes from Anthropic's ``error.type`` or the status; timeouts and
    connection failures → ``ModelError`` with ``TIMEOUT`` / ``CONNECTION``.
    Locus errors pass through unchanged.
    """
    if isinstance(exc, LocusError):
        return exc
    status = getattr(exc, "status_code", None)
    if isinstance(status, int):
        kind, text = _error_fields(exc, _error_body(exc))
        response = getattr(exc, "response", None)
        headers = dict(response.headers) if response is not None else {}
        return _status_error(status, kind, text, headers, exc)
    reason = classify(exc)
    if reason is FailoverReason.TIMEOUT:
        return ModelError(f"{PROVIDER} request timed out: {exc}", cause=exc, reason=reason)
    if reason is FailoverReason.CONNECTION:
        return ModelError(
            f"could not reach {PROVIDER}: {exc} (check ANTHROPIC_BASE_URL and the network)",
            cause=exc,
            reason=reason,
        )
    if isinstance(exc, json.JSONDecodeError):
        return malformed_response(str(exc), exc)
    if isinstance(exc, ValueError | TypeError):
        # raised by the SDK before sending (e.g. a non-streaming call whose
        # max_tokens could outlast 10 minutes without an explicit timeout)
        return ValidationError(
            f"the anthropic SDK rejected the request: {exc} (for long generations use "
            "stream() / Agent(stream=True), or pass timeout=<seconds>)",
            cause=exc,
        )
    return ModelError(f"{PROVIDER} request failed: {exc}", cause=exc, reason=reason)
