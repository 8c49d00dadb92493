"""Time travel over HTTP: a thread at any checkpoint, and forks from there."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from locus.server._core import ServerCore
from locus.server._errors import ApiError, error_responses
from locus.server._routes import ThreadId, User, not_found
from locus.server._schemas import CHECKPOINT_ID_PATTERN, ForkRequest, ForkResponse, ThreadView

__all__ = ["build_history_router"]

CheckpointId = Annotated[str, Path(pattern=CHECKPOINT_ID_PATTERN, description="A checkpoint id.")]


def build_history_router(core: ServerCore) -> APIRouter:
    """``GET /threads/{id}/checkpoints/{checkpoint}`` and ``POST /threads/{id}/fork``."""
    router = APIRouter(tags=["threads"])

    @router.get(
        "/threads/{thread_id}/checkpoints/{checkpoint_id}",
        response_model=ThreadView,
        responses=error_responses(401, 403, 404, 422),
    )
    async def at_checkpoint(
        thread_id: ThreadId, checkpoint_id: CheckpointId, user: User
    ) -> ThreadView:
        """The thread as it was at one checkpoint (read only: fork to continue from there)."""
        scoped = core.scope(user, thread_id)
        snap = await core.served.view_at(scoped, checkpoint_id)
        if snap is None:
            if core.served.checkpointer is None:
                raise core.missing(thread_id)
            raise ApiError(
                404,
                "checkpoint_not_found",
                f"Thread {thread_id!r} has no checkpoint {checkpoint_id!r}; "
                "GET /threads/{id} lists them.",
            )
        return ThreadView(
            thread_id=thread_id,
            status=snap.status,
            messages=snap.messages,
            values=snap.values,
            next=snap.next,
        )

    @router.post(
        "/threads/{thread_id}/fork",
        response_model=ForkResponse,
        status_code=201,
        responses=error_responses(401, 403, 404, 409, 422),
    )
    async def fork(thread_id: ThreadId, body: ForkRequest, user: User) -> ForkResponse:
        """Start a new thread of the caller from a checkpoint of this one.

        Works for agent and graph threads alike: the new thread continues
        from that step (a graph's unfinished or paused step included; its
        pauses get new approval tokens, bound to the new thread).
        """
        checkpointer = core.served.checkpointer
        if checkpointer is None:
            raise core.missing(thread_id)
        scoped = core.scope(user, thread_id)
        if not await checkpointer.history(scoped, limit=1):
            raise not_found(thread_id)
        new_public = body.new_thread_id or core.new_thread_id()
        new_scoped = core.scope(user, new_public)
        if await checkpointer.history(new_scoped, limit=1):
            raise ApiError(
                409, "thread_exists", f"Thread {new_public!r} already exists; pick another id."
            )
        if (
            body.checkpoint_id is not None
            and await checkpointer.load(scoped, body.checkpoint_id) is None
        ):
            raise ApiError(
                404, "checkpoint_not_found", f"Thread {thread_id!r} has no such checkpoint."
            )
        created = await checkpointer.fork(scoped, body.checkpoint_id, new_scoped)
        return ForkResponse(thread_id=new_public, checkpoint_id=created)

    return router
