"""Model calls of the workflow nodes: text, and JSON validated against a schema."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import StructuredOutputError
from locus.core.messages import Message
from locus.loop import parse_json_text, response_format

__all__ = ["complete_structured", "complete_text", "render_evidence", "text_of"]


async def complete_text(model: Any, system: str, user: str) -> str:
    """One model call; the reply's text."""
    response = await model.complete([Message.system(system), Message.user(user)], None)
    return str(response.message.content or "")


async def complete_structured(
    model: Any, system: str, user: str, schema: type[BaseModel], *, retries: int = 1
) -> BaseModel:
    """A reply validated against ``schema``; an invalid one is sent back ``retries`` times.

    Raises:
        locus.core.errors.StructuredOutputError: still invalid after the retries.
    """
    messages = [Message.system(system), Message.user(user)]
    fmt = {"response_format": response_format(schema)}
    error = ""
    for _ in range(retries + 1):
        response = await model.complete(messages, None, **fmt)
        text = response.message.content or ""
        try:
            return schema.model_validate(parse_json_text(text))
        except (ValueError, PydanticValidationError) as exc:
            error = str(exc)
            messages += [
                Message.assistant(text),
                Message.user(
                    f"That reply is not valid for the schema: {error}. Reply with JSON only."
                ),
            ]
    raise StructuredOutputError(
        f"the model's reply did not match {schema.__name__} after {retries + 1} attempts: {error}"
    )


def render_evidence(facts: Mapping[str, str], limit: int = 4000) -> str:
    """Facts as ``[F1] ...`` lines, each cut to ``limit`` characters."""
    if not facts:
        return "(no evidence was gathered)"
    return "\n".join(f"[{fid}] {text[:limit]}" for fid, text in facts.items())


def text_of(value: Any) -> str:
    """Every string inside ``value`` (a model, dict or list), one per line: the claims to grade."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "\n".join(t for v in value.values() if (t := text_of(v)))
    if isinstance(value, Sequence):
        return "\n".join(t for v in value if (t := text_of(v)))
    return ""
