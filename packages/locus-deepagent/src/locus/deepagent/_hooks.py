"""Hooks wiring the DeepAgent layers into a plain Agent run."""

from __future__ import annotations

from locus.deepagent.backends.state import StateBackend
from locus.hooks import AfterToolCallEvent, BeforeInvocationEvent, HookProvider

__all__ = ["FILES_KEY", "StartedHook", "StateFilesHook"]

FILES_KEY = "locus_files"
"""``state.metadata`` key holding a :class:`StateBackend`'s files."""

_WRITERS = frozenset({"write_file", "edit_file"})


class StateFilesHook(HookProvider):
    """Keeps a :class:`StateBackend`'s files in the thread's state.

    Before a run the backend takes the thread's saved files (a new thread
    keeps the backend's initial files); after each write the files are copied
    into ``state.metadata``, so the next checkpoint holds them.
    """

    def __init__(self, backend: StateBackend) -> None:
        self.backend = backend

    def before_invocation(self, event: BeforeInvocationEvent) -> None:
        """Restore the thread's files."""
        saved = event.state.metadata.get(FILES_KEY)
        if saved is not None:
            self.backend.load(saved)
        else:
            event.state.metadata[FILES_KEY] = self.backend.files

    def after_tool_call(self, event: AfterToolCallEvent) -> None:
        """Save the files after a write."""
        if event.tool_call.name in _WRITERS and not event.result.error:
            event.state.metadata[FILES_KEY] = self.backend.files


class StartedHook(HookProvider):
    """Publishes ``multiagent.deepagent.started`` when a run begins."""

    def __init__(self, name: str) -> None:
        self.name = name

    def before_invocation(self, event: BeforeInvocationEvent) -> None:
        """Emit the start event (a no-op outside ``run_context()``)."""
        from locus.observability import current_run_id, emit

        if current_run_id() is not None:
            emit(
                "multiagent.deepagent.started", workflow=self.name, task_preview=event.prompt[:120]
            )
