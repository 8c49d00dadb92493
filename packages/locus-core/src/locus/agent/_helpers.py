"""Argument checks and small helpers of :class:`~locus.agent.Agent`."""

from __future__ import annotations

from typing import Any

from locus.core.errors import ValidationError
from locus.core.messages import Message, Role
from locus.core.state import AgentState
from locus.observability import current_run_id, emit

__all__ = [
    "NO_ANSWER",
    "Prompt",
    "emit_resumed",
    "last_user_index",
    "option",
    "prompt_messages",
    "prompt_text",
    "resolve_checkpointer",
    "resolve_model",
    "slug",
    "split_command",
]

Prompt = str | Message | list[Message]


class _NoAnswer:
    def __repr__(self) -> str:
        return "NO_ANSWER"


NO_ANSWER: Any = _NoAnswer()
"""Sentinel: ``resume()`` called without an answer for a pending ``interrupt()``."""


def split_command(prompt: Any) -> tuple[Any, Any]:
    """``(prompt, answer)``: a ``Command(resume=x)`` prompt means "resume with answer x"."""
    from locus.core.command import Command

    if isinstance(prompt, Command):
        if prompt.resume is None:
            raise ValidationError(
                "an Agent accepts Command(resume=value) to answer an interrupt(); "
                "update/goto are for graphs"
            )
        return None, prompt.resume
    return prompt, NO_ANSWER


def resolve_model(model: Any) -> Any:
    if model is None:
        return None
    if isinstance(model, str):
        from locus.models import get_model

        return get_model(model)
    if not callable(getattr(model, "complete", None)):
        raise ValidationError(
            f"model must be a 'provider:name' string or an object with async complete() and "
            f"stream() (locus.core.protocols.ModelProtocol), got {model!r}"
        )
    return model


def resolve_checkpointer(checkpointer: Any) -> Any:
    if checkpointer is None:
        return None
    if isinstance(checkpointer, str):
        from locus.checkpoint import get_checkpointer

        return get_checkpointer(checkpointer)
    if not (
        callable(getattr(checkpointer, "save", None))
        and callable(getattr(checkpointer, "load", None))
    ):
        raise ValidationError(
            f"checkpointer must be a URL ('sqlite:///threads.db') or an object with async "
            f"save() and load() (CheckpointerProtocol), got {checkpointer!r}"
        )
    return checkpointer


def option(value: Any, cls: type[Any], name: str) -> Any:
    if value is True:
        return cls()
    if value is False or value is None:
        return None
    if isinstance(value, cls):
        return value
    raise ValidationError(f"{name} must be True/False or a {cls.__name__} instance, got {value!r}")


def prompt_messages(prompt: Prompt) -> list[Message]:
    if isinstance(prompt, str):
        return [Message.user(prompt)]
    if isinstance(prompt, Message):
        return [prompt]
    if isinstance(prompt, list) and all(isinstance(m, Message) for m in prompt):
        return list(prompt)
    raise ValidationError(f"prompt must be a str, a Message or a list of Messages, got {prompt!r}")


def prompt_text(prompt: Prompt | None) -> str:
    if prompt is None:
        return ""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, Message):
        return prompt.text
    return "\n".join(m.text for m in prompt if m.role is Role.USER)


def last_user_index(state: AgentState) -> int:
    for index in range(len(state.messages) - 1, -1, -1):
        if state.messages[index].role is Role.USER:
            return index
    return 0


def emit_resumed(state: AgentState) -> None:
    if current_run_id() is not None:
        emit(
            "agent.resumed",
            thread_id=state.thread_id,
            messages=len(state.messages),
            iteration=state.iteration,
        )


def slug(name: str | None) -> str:
    if not name:
        return ""
    out = "".join(ch if ch.isalnum() else "_" for ch in name.strip().lower())
    return out.strip("_")
