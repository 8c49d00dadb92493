"""Hooks wiring the DeepAgent layers into a plain Agent run."""

from __future__ import annotations

from contextvars import Token

from locus.deepagent.backends.state import StateBackend
from locus.hooks import AfterInvocationEvent, BeforeInvocationEvent, HookProvider

__all__ = ["FILES_KEY", "StartedHook", "StateFilesHook"]

FILES_KEY = "locus_files"
"""``state.metadata`` key holding a :class:`StateBackend`'s files."""


class StateFilesHook(HookProvider):
    """Gives each run of a :class:`StateBackend` agent its thread's files.

    The files live in ``state.metadata`` (a new thread starts from the
    backend's initial files); for the run the backend is bound to that dict
    (a context variable, so concurrent runs of other threads keep theirs) and
    writes land in it in place, so every checkpoint of the thread holds them.
    """

    def __init__(self, backend: StateBackend) -> None:
        self.backend = backend
        self._tokens: dict[str, Token[dict[str, str] | None]] = {}

    def before_invocation(self, event: BeforeInvocationEvent) -> None:
        """Bind the backend to the thread's files."""
        files = event.state.metadata.get(FILES_KEY)
        if not isinstance(files, dict):
            files = self.backend.files
            event.state.metadata[FILES_KEY] = files
        self._tokens[event.state.run_id] = self.backend.bind(files)

    def after_invocation(self, event: AfterInvocationEvent) -> None:
        """Unbind it when the run ends."""
        token = self._tokens.pop(event.state.run_id, None)
        if token is not None:
            self.backend.unbind(token)


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
