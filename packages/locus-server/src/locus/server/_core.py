"""What every route needs: the served object, who is calling, limits, results as JSON."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic_core import to_json
from starlette.requests import Request

from locus.agent import AgentResult
from locus.core.errors import LocusError, ThreadBusyError
from locus.core.events import LocusEvent
from locus.observability import emit
from locus.server._auth import Authenticator, Forbidden, authenticate
from locus.server._errors import ApiError
from locus.server._runs import RunRegistry, encode_event
from locus.server._served import Served
from locus.server._threads import public_thread, scoped_thread

__all__ = ["ServerCore"]

log = logging.getLogger("locus.server")


_KINDS: set[str] = set()


def _is_locus_kind(kind: str) -> bool:
    """``kind`` is the ``kind`` of a :class:`LocusError` class (its messages are meant for users).

    The set is rebuilt only for a kind not seen yet (plugins define error classes late).
    """
    if kind in _KINDS:
        return True
    todo: list[type[LocusError]] = [LocusError]
    while todo:
        cls = todo.pop()
        _KINDS.add(cls.kind)
        todo.extend(cls.__subclasses__())
    return kind in _KINDS


@dataclass
class ServerCore:
    """Shared state of one AgentServer app (configuration plus runs in flight)."""

    served: Served
    authenticator: Authenticator | None
    secret: bytes
    max_prompt_chars: int
    registry: RunRegistry = field(default_factory=RunRegistry)
    mirror: Any = None  # a RedisStreamMirror, when streams are shared between processes
    busy: dict[str, int] = field(default_factory=dict)

    async def user(self, request: Request) -> str:
        """The caller's user id; 401 without valid credentials, 403 when refused."""
        if self.authenticator is None:
            return "anonymous"
        try:
            user = await authenticate(self.authenticator, request)
        except Forbidden as exc:
            raise ApiError(
                403, "forbidden", str(exc) or "This caller may not use the server."
            ) from None
        if not user:
            emit("server.auth.failed", method=request.method, path=request.url.path)
            raise ApiError(
                401,
                "unauthorized",
                "Missing or wrong API key: send 'Authorization: Bearer <key>'.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return user

    def check_prompt(self, prompt: str) -> None:
        """413 for a prompt over the configured limit."""
        if len(prompt) > self.max_prompt_chars:
            raise ApiError(
                413,
                "prompt_too_large",
                f"The prompt has {len(prompt)} characters; the limit is "
                f"{self.max_prompt_chars} (AgentServer(max_prompt_chars=...)).",
            )

    @staticmethod
    def new_thread_id() -> str:
        """A fresh client thread id."""
        return "t-" + uuid.uuid4().hex

    def scope(self, user: str, thread_id: str) -> str:
        """The store's id of ``user``'s thread."""
        return scoped_thread(user, thread_id)

    def is_busy(self, scoped: str) -> bool:
        """A run is in flight on this thread in this process."""
        return scoped in self.busy or self.registry.active(scoped)

    @contextlib.contextmanager
    def claim(self, scoped: str) -> Iterator[None]:
        """Count a run in flight on the thread (``running``, and the DELETE guard).

        Who runs when is the agent's business (``on_busy``, across processes).
        An unexpected exception of the run becomes a logged 500 without its trace.
        """
        self.busy[scoped] = self.busy.get(scoped, 0) + 1
        try:
            yield
        except (ApiError, LocusError):
            raise
        except Exception as exc:
            # the agent or a tool failed: log the trace here, answer without it
            log.error("run on thread %s failed", public_thread(scoped), exc_info=exc)
            raise ApiError(500, "internal", "The run failed; see the server log.") from None
        finally:
            left = self.busy[scoped] - 1
            if left:
                self.busy[scoped] = left
            else:
                del self.busy[scoped]

    def ensure_idle(self, scoped: str) -> None:
        """409 when a run is in flight on the thread."""
        if self.is_busy(scoped):
            raise ApiError(
                409,
                "thread_busy",
                f"Thread {public_thread(scoped)!r} has a run in flight; wait for it "
                "(GET /threads/{id} shows running) or use another thread.",
            )

    def missing(self, thread_id: str) -> ApiError:
        """404 for a thread the caller does not have, or a target that keeps no threads."""
        if self.served.checkpointer is None:
            return ApiError(
                404,
                "threads_unsupported",
                f"{self.served.name} keeps no threads the server can read (it is neither an "
                "Agent nor a graph nor a pattern with a checkpointer): use /invoke and /stream.",
            )
        return ApiError(
            404,
            "thread_not_found",
            f"No thread {thread_id!r} for this caller; start it with POST /invoke.",
        )

    @contextlib.asynccontextmanager
    async def holding(self, scoped: str) -> AsyncIterator[None]:
        """Own the thread's lease for a moment (DELETE); 409 while any process runs it."""
        try:
            async with self.served.hold(scoped):
                yield
        except ThreadBusyError:
            raise ApiError(
                409,
                "thread_busy",
                f"Thread {public_thread(scoped)!r} has a run in flight (on this or another "
                "server process); wait for it to finish, then try again.",
            ) from None

    def encoder(self, scoped: str, public: str) -> Any:
        """Encode events for clients, showing the client's thread id."""

        def rewrite(data: dict[str, Any]) -> None:
            if data.get("thread_id") == scoped:
                data["thread_id"] = public
            if "error_kind" in data and not _is_locus_kind(str(data["error_kind"])):
                # an unexpected exception's text may hold internals: it goes to the log only
                log.error("run on thread %s failed: %s", public, data.get("message"))
                data["message"] = "The run failed; see the server log."

        def encode(event: LocusEvent) -> dict[str, Any]:
            return encode_event(event, rewrite)

        return encode

    def response(self, result: AgentResult, public: str, started: float, scoped: str) -> bytes:
        """The JSON :class:`InvokeResponse` of a result, with the client's thread id.

        Serialised in one pass by pydantic-core from the result's own models:
        no intermediate dicts and no response-model validation (the server
        builds the body itself; the schema test checks it against the OpenAPI
        document).
        """
        pending = self.served.pending_of(result, scoped, self.secret)
        body = {
            "message": result.message,
            "success": not (result.interrupts or pending),
            "stop_reason": result.stop_reason,
            "iterations": result.iterations,
            "tool_calls": len(result.tool_executions),
            "usage": result.usage,
            "tool_executions": result.tool_executions,
            "structured_output": result.structured_output,
            "grounding_score": result.grounding_score,
            "confidence": result.confidence,
            "interrupts": result.interrupts,
            "pending": pending,
            "thread_id": public,
            "run_id": result.run_id,
            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        }
        return to_json(body, fallback=str)
