"""Every failure becomes a JSON ``{"error": {"kind", "message"}}`` answer, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from locus.core.errors import (
    CheckpointError,
    CheckpointNotFoundError,
    LocusError,
    ModelError,
    ValidationError,
)

__all__ = ["ApiError", "BodyLimitMiddleware", "error_responses", "install_error_handlers"]

log = logging.getLogger("locus.server")


class ApiError(Exception):
    """An HTTP error with a stable ``kind``; rendered as the JSON error body.

    Args:
        status: HTTP status code.
        kind: Stable identifier (``"unauthorized"``, ``"thread_not_found"``...).
        message: What happened and what to do next.
        headers: Extra response headers (``WWW-Authenticate``...).
    """

    def __init__(
        self, status: int, kind: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.headers = headers


def error_json(status: int, kind: str, message: str, **extra: Any) -> JSONResponse:
    """The JSON error response every failure path uses."""
    body: dict[str, Any] = {"kind": kind, "message": message}
    body.update(extra)
    return JSONResponse({"error": body}, status_code=status)


_HTTP_KINDS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation",
}


def _status_of_locus_error(exc: LocusError) -> int:
    if isinstance(exc, CheckpointNotFoundError):
        return 404
    if exc.kind in {"thread_busy", "checkpoint_conflict", "run_superseded"}:
        return 409
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, ModelError):
        return 502
    if isinstance(exc, CheckpointError):
        return 503
    return 500


def install_error_handlers(app: FastAPI) -> None:
    """Register the JSON handlers for every error the app can meet."""

    async def api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        response = error_json(exc.status, exc.kind, exc.message)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        kind = _HTTP_KINDS.get(exc.status_code, "http_error")
        response = error_json(exc.status_code, kind, str(exc.detail))
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        detail = [
            {"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))}
            for err in exc.errors()
        ]
        return error_json(
            422,
            "validation",
            "The request does not match the API schema; see detail and GET /openapi.json.",
            detail=detail,
        )

    async def locus_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, LocusError)
        status = _status_of_locus_error(exc)
        if status >= 500:
            log.error("locus error serving %s: %s", request.url.path, exc, exc_info=exc)
        return error_json(status, exc.kind, str(exc))

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error serving %s", request.url.path, exc_info=exc)
        return error_json(
            500, "internal", "The server failed to handle the request; see the server log."
        )

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(LocusError, locus_error)
    app.add_exception_handler(Exception, unexpected)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting the JSON error body for ``statuses``."""
    from locus.server._schemas import ErrorResponse

    return {status: {"model": ErrorResponse} for status in statuses}


class BodyLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` with 413, declared or streamed.

    A ``Content-Length`` over the limit is refused before reading; a chunked
    body is counted as it arrives and refused as soon as it passes the limit,
    before the application sees any of it.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared < 0:
                    await _send_error(send, 400, "bad_request", "Invalid Content-Length header.")
                    return
                if declared > self.max_bytes:
                    await _send_error(send, 413, "payload_too_large", self._message())
                    return
                # the server reads no more than the declared length: nothing to count
                await self.app(scope, receive, send)
                return
        # no declared length (chunked): buffer the body (small by construction)
        # so that a refusal happens before the app sees any of it
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([], message, receive), send)
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_bytes:
                await _send_error(send, 413, "payload_too_large", self._message())
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(chunks, None, receive), send)

    def _message(self) -> str:
        return (
            f"The request body is larger than {self.max_bytes} bytes; send less "
            "(AgentServer(max_body_bytes=...) raises the limit)."
        )


def _replay(chunks: list[bytes], first: Message | None, receive: Receive) -> Receive:
    """A ``receive`` that hands the buffered body over in one message, then defers."""
    pending: list[Message] = (
        [first]
        if first is not None
        else [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
    )

    async def replay() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replay


async def _send_error(send: Send, status: int, kind: str, message: str) -> None:
    response = error_json(status, kind, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})
