"""Where a conversation may be cut without orphaning a tool result."""

from __future__ import annotations

from collections.abc import Sequence

from locus.core.messages import Message, Role

__all__ = ["SUMMARY_KEY", "safe_cut", "split_system"]

SUMMARY_KEY = "locus_summary"
"""``Message.metadata`` flag of the summary message a manager inserts."""


def split_system(
    messages: Sequence[Message], preserve: bool
) -> tuple[list[Message], list[Message]]:
    """(leading system messages, the rest); everything is "rest" unless ``preserve``."""
    if not preserve:
        return [], list(messages)
    head = 0
    while head < len(messages) and messages[head].role is Role.SYSTEM:
        head += 1
    return list(messages[:head]), list(messages[head:])


def safe_cut(messages: Sequence[Message], cut: int, *, forward: bool) -> int:
    """Move index ``cut`` so ``messages[cut:]`` does not start with a tool result.

    A tool result is only meaningful after the assistant turn that called it
    (providers reject an orphan result), so a cut never falls between them.
    ``forward`` drops the orphaned results (the kept part shrinks);
    otherwise the calling assistant turn is kept too (the kept part grows).
    """
    cut = max(0, min(cut, len(messages)))
    if forward:
        while cut < len(messages) and messages[cut].role is Role.TOOL:
            cut += 1
    else:
        while 0 < cut < len(messages) and messages[cut].role is Role.TOOL:
            cut -= 1
    return cut
