"""``LLMCompactor``: a token-budget conversation manager."""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping, Sequence
from typing import Any

from locus.core.errors import ConfigError, ValidationError
from locus.core.messages import Message, Role
from locus.memory._summarize import SummarizeFn, summarize, summary_message
from locus.memory._window import safe_cut, split_system
from locus.memory.conversation import ConversationManager

__all__ = ["LLMCompactor", "estimate_tokens"]

ELIDED = "[tool output elided: {n} characters, {turns} turns old]"


def estimate_tokens(message: Message) -> int:
    """Rough token count of ``message``: ~4 characters per token, +4 per message."""
    chars = len(message.content or "")
    for call in message.tool_calls:
        chars += len(call.name) + len(json.dumps(call.arguments))
    return chars // 4 + 4


class LLMCompactor(ConversationManager):
    """Keep the view under a token budget: elide old tool outputs, then summarise.

    Each turn, tool outputs older than ``tool_output_ttl_turns`` assistant
    turns are replaced by a one-line stub in the view. If the view still
    exceeds ``trigger_fraction * context_length`` tokens, the messages between
    the first ``head_turns`` messages (the task) and the newest messages
    worth ``tail_token_fraction * context_length`` tokens are folded into a
    running summary (kept in ``memory``, so each fold only reads what is new).

    Args:
        summarize_fn: ``fn(messages) -> str`` (sync or async); default: the agent's model.
        context_length: The model's context window in tokens.
        trigger_fraction: Share of the window that triggers a fold.
        head_turns: Leading non-system messages always kept verbatim.
        tail_token_fraction: Share of the window kept verbatim at the end.
        tool_output_ttl_turns: Assistant turns after which a tool output is elided
            (``0`` never elides).
        token_counter: ``fn(message) -> int``; default :func:`estimate_tokens`.
        preserve_system: Keep the leading system messages.
    """

    def __init__(
        self,
        *,
        summarize_fn: SummarizeFn | None = None,
        context_length: int = 128_000,
        trigger_fraction: float = 0.8,
        head_turns: int = 2,
        tail_token_fraction: float = 0.5,
        tool_output_ttl_turns: int = 10,
        token_counter: Callable[[Message], int] | None = None,
        preserve_system: bool = True,
    ) -> None:
        if context_length < 1:
            raise ValidationError(f"context_length must be >= 1, got {context_length}")
        if not 0 < trigger_fraction <= 1 or not 0 < tail_token_fraction < trigger_fraction:
            raise ValidationError(
                "need 0 < tail_token_fraction < trigger_fraction <= 1, got "
                f"tail_token_fraction={tail_token_fraction}, trigger_fraction={trigger_fraction}"
            )
        if head_turns < 0 or tool_output_ttl_turns < 0:
            raise ValidationError("head_turns and tool_output_ttl_turns must be >= 0")
        self.summarize_fn = summarize_fn
        self.context_length = context_length
        self.trigger_fraction = trigger_fraction
        self.head_turns = head_turns
        self.tail_token_fraction = tail_token_fraction
        self.tool_output_ttl_turns = tool_output_ttl_turns
        self.count = token_counter or estimate_tokens
        self.preserve_system = preserve_system

    def __repr__(self) -> str:
        return (
            f"LLMCompactor(context_length={self.context_length}, "
            f"trigger_fraction={self.trigger_fraction})"
        )

    def apply(self, messages: Sequence[Message]) -> list[Message]:
        """Only the cheap part: old tool outputs elided (folding needs ``async_apply``)."""
        system, rest = split_system(messages, self.preserve_system)
        return [*system, *self._elide(rest)]

    def _elide(self, rest: list[Message]) -> list[Message]:
        ttl = self.tool_output_ttl_turns
        if not ttl:
            return rest
        out: list[Message] = []
        turns_after = 0
        for message in reversed(rest):
            if message.role is Role.ASSISTANT:
                turns_after += 1
            if message.role is Role.TOOL and turns_after > ttl and message.content:
                stub = ELIDED.format(n=len(message.content), turns=turns_after)
                message = message.model_copy(update={"content": stub})
            out.append(message)
        out.reverse()
        return out

    def _tail_start(self, rest: list[Message], lower: int) -> int:
        budget = self.tail_token_fraction * self.context_length
        used = 0
        start = len(rest)
        while start > lower and used + self.count(rest[start - 1]) <= budget:
            start -= 1
            used += self.count(rest[start])
        return safe_cut(rest, start, forward=True)

    async def async_apply(
        self,
        messages: Sequence[Message],
        *,
        memory: MutableMapping[str, Any] | None = None,
        model: Any = None,
    ) -> list[Message]:
        """System + head + running summary + recent messages, under the budget."""
        memory = {} if memory is None else memory
        system, rest = split_system(messages, self.preserve_system)
        rest = self._elide(rest)
        head_end = safe_cut(rest, min(self.head_turns, len(rest)), forward=True)
        summary: str | None = memory.get("summary")
        upto = int(memory.get("upto", head_end))
        if upto > len(rest) or upto < head_end:
            summary, upto = None, head_end

        def view() -> list[Message]:
            middle = [summary_message(summary)] if summary else []
            return [*system, *rest[:head_end], *middle, *rest[upto:]]

        current = view()
        limit = self.trigger_fraction * self.context_length
        if sum(self.count(m) for m in current) > limit:
            cut = self._tail_start(rest, upto)
            if cut > upto:
                if self.summarize_fn is None and model is None:
                    raise ConfigError(
                        "LLMCompactor needs summarize_fn or a model (use it through Agent)."
                    )
                chunk = ([summary_message(summary)] if summary else []) + rest[upto:cut]
                summary = await summarize(chunk, self.summarize_fn, model, memory)
                memory["summary"], memory["upto"] = summary, cut
                self._report(len(messages), len(view()) + cut - upto, cut - upto)
                upto = cut
                current = view()
        return current
