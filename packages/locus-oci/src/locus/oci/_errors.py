"""Map OCI HTTP failures onto the locus error hierarchy."""

from __future__ import annotations

import json
from collections.abc import Mapping

from locus.core.errors import (
    ConfigError,
    LocusError,
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
)
from locus.models.failover import FailoverReason, classify, reason_for_status
from locus.models.retry import parse_retry_after

__all__ = ["auth_setup_error", "malformed", "map_oci_exception", "map_oci_status"]

OFFLINE_HINT = "To try locus without OCI credentials, use an offline model: Agent(model='test')."


def auth_setup_error(provider: str, exc: ConfigError) -> ModelAuthError:
    """A credentials problem found while building a model, with the offline hint."""
    return ModelAuthError(
        f"{provider}: cannot set up OCI credentials: {exc.message}. {OFFLINE_HINT}",
        cause=exc,
        reason=FailoverReason.AUTH,
    )


def malformed(provider: str, detail: str, cause: BaseException | None = None) -> ModelResponseError:
    """A :class:`ModelResponseError` for an unusable body."""
    return ModelResponseError(
        f"{provider} returned a malformed response: {detail}",
        cause=cause,
        reason=FailoverReason.MALFORMED_RESPONSE,
    )


def _error_text(text: str) -> str:
    try:
        body = json.loads(text)
    except ValueError:
        return text[:300] or "(empty body)"
    if isinstance(body, dict):
        code = body.get("code")
        message = body.get("message") or body.get("error") or text[:300]
        if isinstance(message, dict):
            message = message.get("message", message)
        return f"{code}: {message}" if code else str(message)
    return text[:300]


def map_oci_status(
    status: int, headers: Mapping[str, str], text: str, *, provider: str
) -> LocusError:
    """The locus error for an OCI error response.

    401/403 → :class:`ModelAuthError`; 429 → :class:`ModelThrottledError`
    (``retry_after`` from ``Retry-After``); others → :class:`ModelError` with a
    :class:`FailoverReason` from the status. The ``opc-request-id`` is quoted
    for Oracle support.
    """
    detail = _error_text(text)
    lowered = {k.lower(): v for k, v in headers.items()}
    request_id = lowered.get("opc-request-id")
    suffix = f" (opc-request-id {request_id})" if request_id else ""
    message = f"{provider} request failed with HTTP {status}: {detail}{suffix}"
    reason = reason_for_status(status, detail)
    if reason is FailoverReason.AUTH:
        return ModelAuthError(
            message + " — check the OCI config profile, the key fingerprint, the IAM policy for "
            f"generative-ai-family and the compartment. {OFFLINE_HINT}",
            reason=reason,
        )
    if status == 429:
        return ModelThrottledError(message, reason=reason, retry_after=parse_retry_after(lowered))
    return ModelError(message, reason=reason)


def map_oci_exception(exc: BaseException, *, provider: str) -> LocusError:
    """Map a transport exception (httpx timeouts, connection errors...)."""
    if isinstance(exc, LocusError):
        return exc
    reason = classify(exc)
    if reason is FailoverReason.TIMEOUT:
        return ModelError(f"{provider} request timed out: {exc}", cause=exc, reason=reason)
    if reason is FailoverReason.CONNECTION:
        return ModelError(
            f"could not reach {provider}: {exc} (check the region / service endpoint)",
            cause=exc,
            reason=reason,
        )
    return ModelError(f"{provider} request failed: {exc!r}", cause=exc, reason=reason)
