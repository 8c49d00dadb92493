"""Conversation managers: what part of a long thread the model sees each turn.

``Agent(conversation_manager=...)`` applies the manager to the thread before
every model call. The thread itself (``state.messages``, the checkpoint) keeps
every message; the manager shapes the *view* sent to the model and keeps what
it needs between turns (a running summary) in ``state.metadata``, so the
work is incremental and survives a restart.

- :class:`NullManager`: the whole thread (the default without a manager).
- :class:`SlidingWindowManager`: the newest ``window_size`` messages.
- :class:`SummarizingManager`: an LLM summary of the oldest turns + the newest
  ``keep_recent`` messages.
- :class:`~locus.memory.LLMCompactor`: token-budget based.

No manager separates a tool result from the assistant turn that called it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import MutableMapping, Sequence
from typing import Any

from locus.core.errors import ConfigError, ValidationError
from locus.core.messages import Message
from locus.memory._summarize import SummarizeFn, summarize, summary_message
from locus.memory._window import SUMMARY_KEY, safe_cut, split_system

__all__ = [
    "ConversationManager",
    "NullManager",
    "SlidingWindowManager",
    "SummarizingManager",
]


class ConversationManager(ABC):
    """Shapes the messages sent to the model from the full thread."""

    @abstractmethod
    def apply(self, messages: Sequence[Message]) -> list[Message]:
        """The view of ``messages`` to send (pure; no model calls)."""

    async def async_apply(
        self,
        messages: Sequence[Message],
        *,
        memory: MutableMapping[str, Any] | None = None,
        model: Any = None,
    ) -> list[Message]:
        """The view of ``messages``; may call ``model`` and keep state in ``memory``.

        Args:
            messages: The full thread.
            memory: A dict the agent keeps in ``state.metadata`` for this manager.
            model: The agent's model (for managers that summarise).
        """
        return self.apply(messages)

    def _report(self, before: int, after: int, summarized: int) -> None:
        from locus.observability import current_run_id, emit

        if current_run_id() is not None:
            emit(
                "memory.conversation.compacted",
                manager=type(self).__name__,
                messages_before=before,
                messages_after=after,
                summarized=summarized,
            )


class NullManager(ConversationManager):
    """Sends the whole thread."""

    def apply(self, messages: Sequence[Message]) -> list[Message]:
        """``messages`` unchanged."""
        return list(messages)


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{name} must be an int >= 1, got {value!r}")
    return value


class SlidingWindowManager(ConversationManager):
    """The newest ``window_size`` messages (plus the system prompt).

    When the window would start on a tool result, the orphaned results are
    dropped too (the window shrinks by them) so the model never sees a result
    without its call; if that would leave nothing, the calling turn is kept.

    Args:
        window_size: Messages kept besides the system prompt.
        preserve_system: Keep the leading system messages outside the window.
    """

    def __init__(self, window_size: int = 20, preserve_system: bool = True) -> None:
        self.window_size = _positive(window_size, "window_size")
        self.preserve_system = preserve_system

    def __repr__(self) -> str:
        return f"SlidingWindowManager(window_size={self.window_size})"

    def apply(self, messages: Sequence[Message]) -> list[Message]:
        """System messages + the newest ``window_size`` messages."""
        system, rest = split_system(messages, self.preserve_system)
        if len(rest) <= self.window_size:
            return [*system, *rest]
        start = len(rest) - self.window_size
        cut = safe_cut(rest, start, forward=True)
        if cut >= len(rest):
            cut = safe_cut(rest, start, forward=False)
        view = [*system, *rest[cut:]]
        self._report(len(messages), len(view), 0)
        return view


class SummarizingManager(ConversationManager):
    """Summarise the oldest turns once the thread outgrows ``threshold``.

    When more than ``threshold`` messages follow the last summary, everything
    but the newest ``keep_recent`` is folded into the running summary (the
    previous summary + the new old messages, so each fold costs the same
    however long the thread is). The model sees: system prompt, summary,
    then the unsummarised messages. The summary and how far it reaches live
    in ``memory`` (``state.metadata``), so they survive checkpoints.

    Args:
        threshold: Unsummarised messages that trigger a fold.
        keep_recent: Newest messages never summarised.
        summarize_fn: ``fn(messages) -> str`` (sync or async); default: the
            agent's model with a summarisation prompt.
        preserve_system: Keep the leading system messages out of the summary.

    Raises:
        locus.core.errors.ValidationError: ``keep_recent >= threshold`` or a bad count.
    """

    def __init__(
        self,
        threshold: int = 30,
        keep_recent: int = 10,
        summarize_fn: SummarizeFn | None = None,
        preserve_system: bool = True,
    ) -> None:
        self.threshold = _positive(threshold, "threshold")
        if isinstance(keep_recent, bool) or not isinstance(keep_recent, int) or keep_recent < 0:
            raise ValidationError(f"keep_recent must be an int >= 0, got {keep_recent!r}")
        if keep_recent >= threshold:
            raise ValidationError(
                f"keep_recent ({keep_recent}) must be smaller than threshold ({threshold}), "
                "or nothing is ever summarised"
            )
        self.keep_recent = keep_recent
        self.summarize_fn = summarize_fn
        self.preserve_system = preserve_system

    def __repr__(self) -> str:
        return f"SummarizingManager(threshold={self.threshold}, keep_recent={self.keep_recent})"

    def apply(self, messages: Sequence[Message]) -> list[Message]:
        """Synchronous fold; needs a synchronous ``summarize_fn`` (else use ``async_apply``)."""
        if self.summarize_fn is None:
            raise ConfigError(
                "SummarizingManager.apply needs summarize_fn; without one it summarises "
                "with the agent's model through async_apply (what Agent does)."
            )
        memory: dict[str, Any] = {}
        system, rest = split_system(messages, self.preserve_system)
        cut = self._cut(rest, 0)
        if cut is None:
            return list(messages)
        text = self.summarize_fn(rest[:cut])
        if not isinstance(text, str):
            raise ConfigError("summarize_fn returned an awaitable: use async_apply")
        memory["summary"] = text
        return [*system, summary_message(text), *rest[cut:]]

    def _cut(self, rest: list[Message], upto: int) -> int | None:
        if len(rest) - upto <= self.threshold:
            return None
        cut = safe_cut(rest, len(rest) - self.keep_recent, forward=False)
        return cut if cut > upto else None

    async def async_apply(
        self,
        messages: Sequence[Message],
        *,
        memory: MutableMapping[str, Any] | None = None,
        model: Any = None,
    ) -> list[Message]:
        """System + running summary + unsummarised messages, folding when due."""
        memory = {} if memory is None else memory
        system, rest = split_system(messages, self.preserve_system)
        summary: str | None = memory.get("summary")
        upto = int(memory.get("upto", 0))
        if upto > len(rest):  # the thread was rolled back under the summary
            summary, upto = None, 0
        cut = self._cut(rest, upto)
        if cut is not None:
            chunk = ([summary_message(summary)] if summary else []) + rest[upto:cut]
            summary = await summarize(chunk, self.summarize_fn, model, memory)
            memory["summary"], memory["upto"] = summary, cut
            self._report(len(messages), len(system) + 1 + len(rest) - cut, cut - upto)
            upto = cut
        head = [summary_message(summary)] if summary else []
        return [*system, *head, *rest[upto:]]


def is_summary(message: Message) -> bool:
    """Whether ``message`` is a summary a manager inserted."""
    return bool(message.metadata.get(SUMMARY_KEY))
