"""``memory.checkpoint.*`` events; free when no run context is open."""

from __future__ import annotations

from locus.observability import current_run_id, emit


def emit_saved(backend: str, thread_id: str, checkpoint_id: str, size_bytes: int) -> None:
    """Publish ``memory.checkpoint.saved`` under the current run, if any."""
    if current_run_id() is not None:
        emit(
            "memory.checkpoint.saved",
            thread_id=thread_id,
            checkpoint_id=checkpoint_id,
            backend=backend,
            size_bytes=size_bytes,
        )


def emit_loaded(backend: str, thread_id: str, checkpoint_id: str) -> None:
    """Publish ``memory.checkpoint.loaded`` under the current run, if any."""
    if current_run_id() is not None:
        emit(
            "memory.checkpoint.loaded",
            thread_id=thread_id,
            checkpoint_id=checkpoint_id,
            backend=backend,
        )


def emit_deleted(backend: str, thread_id: str) -> None:
    """Publish ``memory.checkpoint.deleted`` under the current run, if any."""
    if current_run_id() is not None:
        emit("memory.checkpoint.deleted", thread_id=thread_id, backend=backend)


def emit_missing(backend: str, thread_id: str) -> None:
    """Publish ``memory.checkpoint.missing`` under the current run, if any."""
    if current_run_id() is not None:
        emit("memory.checkpoint.missing", thread_id=thread_id, backend=backend)
