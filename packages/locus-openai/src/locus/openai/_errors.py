"""Map OpenAI SDK / httpx failures onto the locus error hierarchy."""

from __future__ import annotations

import json
from typing import Any

from locus.core.errors import (
    LocusError,
    ModelAuthError,
    ModelError,
    ModelResponseError,
    ModelThrottledError,
)
from locus.models.failover import FailoverReason, classify, reason_for_status
from locus.models.retry import parse_retry_after

__all__ = ["malformed_response", "map_openai_error", "missing_key_error"]


def missing_key_error(provider: str, env_var: str) -> ModelAuthError:
    """The error for a missing API key: where to put one, and how to try offline."""
    return ModelAuthError(
        f"no API key for {provider}: pass api_key=... or set the {env_var} environment "
        "variable. To try locus without a key, use an offline model: Agent(model='test').",
        reason=FailoverReason.AUTH,
    )


def malformed_response(
    provider: str, detail: str, cause: BaseException | None = None
) -> ModelResponseError:
    """A :class:`ModelResponseError` for an unusable response body."""
    return ModelResponseError(
        f"{provider} returned a malformed response: {detail}",
        cause=cause,
        reason=FailoverReason.MALFORMED_RESPONSE,
    )


def _error_text(exc: BaseException, body: Any) -> str:
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
    return str(getattr(exc, "message", None) or exc)


def map_openai_error(exc: BaseException, *, provider: str, hint: str = "") -> LocusError:
    """Translate an OpenAI SDK (or httpx) exception into a locus error.

    401/403 → :class:`ModelAuthError`; 429 → :class:`ModelThrottledError` with
    ``retry_after`` from ``Retry-After``/``retry-after-ms``; other statuses →
    :class:`ModelError` whose ``reason`` comes from
    :func:`locus.models.failover.reason_for_status`; timeouts and connection
    failures → :class:`ModelError` with ``TIMEOUT``/``CONNECTION``. Locus errors
    pass through unchanged.

    Args:
        exc: What the SDK raised.
        provider: Provider name for the message.
        hint: Extra advice appended to connection failures.
    """
    if isinstance(exc, LocusError):
        return exc
    status = getattr(exc, "status_code", None)
    response = getattr(exc, "response", None)
    if isinstance(status, int):
        body = getattr(exc, "body", None)
        if body is None and response is not None:
            try:
                body = json.loads(response.text)
            except Exception:
                body = None
        text = _error_text(exc, body)
        headers = dict(response.headers) if response is not None else {}
        reason = reason_for_status(status, text)
        message = f"{provider} request failed with HTTP {status}: {text}"
        if reason is FailoverReason.AUTH:
            return ModelAuthError(
                message + " (check the API key; to try offline use Agent(model='test'))",
                cause=exc,
                reason=reason,
            )
        if status == 429:
            return ModelThrottledError(
                message, cause=exc, reason=reason, retry_after=parse_retry_after(headers)
            )
        return ModelError(message, cause=exc, reason=reason)
    reason = classify(exc)
    if reason is FailoverReason.TIMEOUT:
        return ModelError(f"{provider} request timed out: {exc}", cause=exc, reason=reason)
    if reason is FailoverReason.CONNECTION:
        return ModelError(
            f"could not reach {provider}: {exc}{(' ' + hint) if hint else ''}",
            cause=exc,
            reason=reason,
        )
    if isinstance(exc, json.JSONDecodeError | ValueError):
        return malformed_response(provider, str(exc), exc)
    return ModelError(f"{provider} request failed: {exc}", cause=exc, reason=reason)
