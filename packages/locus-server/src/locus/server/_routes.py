"""The HTTP routes: runs (``/invoke``, ``/stream``), threads, human in the loop, health."""

from __future__ import annotations

import hmac
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request, Response
from fastapi.responses import StreamingResponse

from locus.observability import emit
from locus.server._core import ServerCore
from locus.server._errors import ApiError, error_responses
from locus.server._runs import parse_event_id, sse_frame
from locus.server._schemas import (
    THREAD_ID_PATTERN,
    HealthResponse,
    InvokeRequest,
    InvokeResponse,
    PendingCall,
    ResumeRequest,
    ThreadList,
    ThreadView,
)
from locus.server._threads import public_thread, user_prefix
from locus.streaming import create_sse_response_headers

__all__ = ["ThreadId", "User", "build_router", "current_user", "declare_bearer_auth", "not_found"]

ThreadId = Annotated[str, Path(pattern=THREAD_ID_PATTERN, description="The thread id.")]


async def current_user(request: Request) -> str:
    """The caller's user id (the app's :class:`ServerCore` decides).

    The bearer scheme is declared in the OpenAPI document by
    :func:`declare_bearer_auth` rather than by a FastAPI security dependency,
    which would parse the header a second time on every request.
    """
    core: ServerCore = request.app.state.locus_core
    return await core.user(request)


User = Annotated[str, Depends(current_user)]
LastEventId = Annotated[
    str,
    Header(
        alias="Last-Event-ID",
        pattern=r"^[0-9a-f]{32}:[0-9]+$",
        description="Resume the run after this event id (as the server sent it).",
    ),
]
_SSE_EVENT = {
    "type": "object",
    "description": "One Server-Sent Event: id '<run>:<seq>', event = the event type, "
    "data = JSON {event_type, data, timestamp} (locus.streaming.sse_payload).",
    "required": ["id", "event", "data"],
    "properties": {
        "id": {"type": "string"},
        "event": {"type": "string"},
        "data": {"type": "string"},
    },
}
_SSE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The run's events",
        "content": {"text/event-stream": {"schema": _SSE_EVENT}},
    }
}


def declare_bearer_auth(app: FastAPI) -> None:
    """Declare the bearer API key in ``app``'s OpenAPI document.

    Every operation that documents a 401 answer requires it (``/health`` does not).
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {})["HTTPBearer"] = {
            "type": "http",
            "scheme": "bearer",
            "description": "The server's API key.",
        }
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if "401" in operation.get("responses", {}):
                    operation["security"] = [{"HTTPBearer": []}]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def build_router(core: ServerCore, version: str) -> APIRouter:
    """All routes of an AgentServer bound to ``core``."""
    router = APIRouter()

    @router.get("/health", response_model=HealthResponse, tags=["server"])
    async def health() -> HealthResponse:
        """Liveness probe (no credentials needed)."""
        return HealthResponse(status="ok", agent=core.served.name, version=version)

    @router.post(
        "/invoke",
        response_model=InvokeResponse,
        responses=error_responses(401, 403, 409, 413, 422),
        tags=["runs"],
    )
    async def invoke(body: InvokeRequest, user: User) -> Response:
        """Run the agent to the end (or to a pause) and return the full result."""
        core.check_prompt(body.prompt)
        public = body.thread_id or core.new_thread_id()
        scoped = core.scope(user, public)
        emit("server.request.received", method="POST", path="/invoke", thread_id=public)
        started = time.perf_counter()
        with core.claim(scoped):
            result = await core.served.invoke(body.prompt, scoped, _busy(body))
        return _json(core.response(result, public, started, scoped))

    @router.post(
        "/stream",
        responses={**_SSE, **error_responses(401, 403, 404, 409, 413, 422)},
        response_class=StreamingResponse,
        tags=["runs"],
    )
    async def stream(
        body: InvokeRequest,
        user: User,
        last_event_id: LastEventId = "",
    ) -> StreamingResponse:
        """Run the agent and stream every typed event as Server-Sent Events.

        Each event's id is ``<run>:<seq>``. Reconnecting with
        ``Last-Event-ID`` resumes the same run after that event (no new run
        starts); the run keeps going while no client is connected.
        """
        if last_event_id:
            key, after = _parse_last_event_id(last_event_id)
            return await _replay(core, user, key, after)
        core.check_prompt(body.prompt)
        public = body.thread_id or core.new_thread_id()
        scoped = core.scope(user, public)
        emit("server.request.received", method="POST", path="/stream", thread_id=public)
        events = core.served.events(body.prompt, scoped, _busy(body))
        run = core.registry.start(user, scoped, events, core.encoder(scoped, public))
        if body.on_busy == "reject":  # answered at once: refuse with 409, not in the stream
            first = await run.first()
            if first is not None and first["data"].get("error_kind") == "thread_busy":
                raise ApiError(409, "thread_busy", str(first["data"].get("message", "")))
        if core.mirror is not None:
            core.mirror.mirror(run)
        emit("server.stream.opened", thread_id=public)
        return _sse(run.stream(-1), public)

    @router.get(
        "/streams/{run_key}",
        responses={**_SSE, **error_responses(401, 403, 404, 409, 422)},
        response_class=StreamingResponse,
        tags=["runs"],
    )
    async def stream_again(
        run_key: Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")],
        user: User,
        last_event_id: LastEventId = "",
    ) -> StreamingResponse:
        """Replay a streamed run from the start (or after ``Last-Event-ID``), then follow it."""
        after = -1
        if last_event_id:
            key, after = _parse_last_event_id(last_event_id)
            if key != run_key:
                raise ApiError(409, "conflict", "Last-Event-ID names another run than the path.")
        return await _replay(core, user, run_key, after)

    @router.get(
        "/threads", response_model=ThreadList, responses=error_responses(401, 403), tags=["threads"]
    )
    async def list_threads(user: User) -> ThreadList:
        """The caller's thread ids."""
        checkpointer = core.served.checkpointer
        if checkpointer is None:
            return ThreadList()
        prefix = user_prefix(user)
        stored = await checkpointer.list_threads()
        threads = [t[len(prefix) :] for t in stored if t.startswith(prefix)]
        return ThreadList(threads=sorted(threads))

    @router.get(
        "/threads/{thread_id}",
        response_model=ThreadView,
        responses=error_responses(401, 403, 404, 422),
        tags=["threads"],
    )
    async def get_thread(thread_id: ThreadId, user: User) -> ThreadView:
        """The conversation, its checkpoints, and the paused calls with their approval tokens."""
        scoped = core.scope(user, thread_id)
        snap = await core.served.view(scoped, core.secret)
        if snap is None:
            raise core.missing(thread_id)
        history = await core.served.checkpointer.history(scoped, limit=100)
        return ThreadView(
            thread_id=thread_id,
            status=snap.status,
            messages=snap.messages,
            values=snap.values,
            next=snap.next,
            pending=snap.pending,
            checkpoints=[_checkpoint_json(info) for info in history],
            running=core.is_busy(scoped),
        )

    @router.delete(
        "/threads/{thread_id}",
        status_code=204,
        response_class=Response,
        responses=error_responses(401, 403, 404, 409, 422),
        tags=["threads"],
    )
    async def delete_thread(thread_id: ThreadId, user: User) -> Response:
        """Delete the thread and all its checkpoints (409 while a run of it is in flight).

        The guard sees runs of every server process sharing the checkpointer
        when the store keeps thread leases (PostgreSQL, Redis).
        """
        scoped = core.scope(user, thread_id)
        core.ensure_idle(scoped)
        checkpointer = core.served.checkpointer
        if checkpointer is None:
            raise core.missing(thread_id)
        async with core.holding(scoped):
            deleted = await checkpointer.delete_thread(scoped)
        if not deleted:
            raise not_found(thread_id)
        emit("server.thread.deleted", thread_id=thread_id)
        return Response(status_code=204)

    @router.post(
        "/threads/{thread_id}/resume",
        response_model=InvokeResponse,
        responses=error_responses(401, 403, 404, 409, 413, 422),
        tags=["threads"],
    )
    async def resume(thread_id: ThreadId, body: ResumeRequest, user: User) -> Response:
        """Answer a paused call (or graph interrupt) of the thread, or continue an unfinished run.

        On a paused thread ``approval_token`` must be the token ``pending``
        gave for that exact call: a token of another thread, another call or
        other arguments is refused with 403. An agent's calls are answered
        first to last; a graph's interrupts in any order (``tool_call_id`` is
        the interrupt id). A run that stopped without
        finishing (its server process died, or it failed) continues from its
        last checkpoint, on any server process sharing the checkpointer.
        """
        scoped = core.scope(user, thread_id)
        emit("server.request.received", method="POST", path="/resume", thread_id=thread_id)
        snap = await core.served.view(scoped, core.secret)
        if snap is None:
            raise core.missing(thread_id)
        pending = snap.pending
        if pending:
            _check_approval(pending, body, in_order=core.served.is_agent)
        elif snap.status == "completed" or (core.served.kind == "graph" and not snap.next):
            raise ApiError(
                409,
                "not_resumable",
                f"Thread {thread_id!r} has no paused or unfinished run; send a new prompt "
                "to /invoke.",
            )
        started = time.perf_counter()
        with core.claim(scoped):
            if pending:
                pause = body.tool_call_id or pending[0].tool_call_id
                result = await core.served.resume_invoke(scoped, pause, body.answer, _busy(body))
            else:  # a run that stopped unfinished: continue from its last checkpoint
                result = await core.served.continue_invoke(scoped, _busy(body))
        return _json(core.response(result, thread_id, started, scoped))

    return router


def _busy(body: InvokeRequest | ResumeRequest) -> dict[str, Any]:
    return {"on_busy": body.on_busy, "busy_timeout": body.busy_timeout}


def _json(body: bytes) -> Response:
    # serialised once (ServerCore.response): FastAPI's validate-again pass would only cost time
    return Response(body, media_type="application/json")


def _check_approval(pending: list[PendingCall], body: ResumeRequest, *, in_order: bool) -> None:
    """403 unless the token approves a paused call as it stands.

    409 when ``in_order`` (an agent answers its paused calls first to last)
    and the call is not the first one; a graph's interrupts are answered by id.
    """
    call = next((p for p in pending if p.tool_call_id == body.tool_call_id), None)
    if (
        call is None
        or body.approval_token is None
        or not hmac.compare_digest(call.approval_token, body.approval_token)
    ):
        raise ApiError(
            403,
            "approval_invalid",
            "This approval token does not approve a paused call of this thread with "
            "these arguments; read the current ones from GET /threads/{id}.",
        )
    if in_order and call is not pending[0]:
        raise ApiError(
            409,
            "approval_out_of_order",
            f"Answer the paused calls in order: first {pending[0].tool_call_id!r}.",
        )


def not_found(thread_id: str) -> ApiError:
    """404 for a thread the caller does not have."""
    return ApiError(
        404,
        "thread_not_found",
        f"No thread {thread_id!r} for this caller; start it with POST /invoke.",
    )


def _checkpoint_json(info: Any) -> dict[str, Any]:
    data: dict[str, Any] = info.model_dump(mode="json")
    data.pop("thread_id", None)
    return data


def _parse_last_event_id(value: str) -> tuple[str, int]:
    parsed = parse_event_id(value)
    if parsed is None:
        raise ApiError(
            422, "validation", "Last-Event-ID must be an event id this server sent ('<run>:<seq>')."
        )
    return parsed


async def _replay(core: ServerCore, user: str, key: str, after: int) -> StreamingResponse:
    """The events of run ``key`` after ``after``: from this process, else from the mirror."""
    run = core.registry.get(key)
    if run is not None and run.owner == user:
        return _sse(run.stream(after), public_thread(run.thread))
    if run is None and core.mirror is not None:
        meta = await core.mirror.meta(key)
        if meta is not None and meta[0] == user:
            return _sse(_frames(key, core.mirror.follow(key, after)), public_thread(meta[1]))
    raise ApiError(
        404,
        "stream_not_found",
        "No stream with this id (it finished too long ago, or ran on another server "
        "without a shared stream mirror); GET /threads/{id} has the thread's outcome.",
    )


async def _frames(
    key: str, events: AsyncIterator[tuple[int, dict[str, Any]]]
) -> AsyncIterator[tuple[int, bytes]]:
    """``(1, frame)`` per event of ``events`` up to the run's ``agent.terminate``."""
    async for seq, item in events:
        yield 1, sse_frame(key, seq, item)
        if item["event_type"] == "agent.terminate":
            return  # the run's last event: the client is done whatever cleanup remains


_SSE_HEADERS = create_sse_response_headers()
_SSE_HEADERS.pop("Content-Type", None)  # StreamingResponse sets it from media_type


def _sse(frames: AsyncIterator[tuple[int, bytes]], public: str) -> StreamingResponse:
    async def body() -> AsyncIterator[bytes]:
        sent = 0
        try:
            async for count, chunk in frames:
                sent += count
                yield chunk
        finally:
            emit("server.stream.closed", thread_id=public, events=sent, dropped=0)

    return StreamingResponse(body(), media_type="text/event-stream", headers=_SSE_HEADERS)
