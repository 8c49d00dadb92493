"""Structured output: ask for JSON matching ``output_schema``, validate, send back on failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from locus.core.errors import StructuredOutputError
from locus.core.messages import Message
from locus.core.structured import parse_json_text, response_format

if TYPE_CHECKING:
    from locus.loop._context import LoopContext

__all__ = ["check_structured_output", "parse_json_text", "response_format"]


async def check_structured_output(ctx: LoopContext) -> bool:
    """Validate the final answer; True when valid (stored on ``ctx``/``state``).

    An invalid answer is sent back to the model with the error (the loop
    continues) until ``structured_retries`` is exhausted.

    Raises:
        locus.core.errors.StructuredOutputError: still invalid after the retries.
    """
    schema: type[BaseModel] = ctx.output_schema
    text = ctx.state.messages[-1].content or ""
    try:
        value = schema.model_validate(parse_json_text(text))
    except (ValueError, PydanticValidationError) as exc:
        error = str(exc)
        ctx.structured_attempts += 1
        if ctx.structured_attempts > ctx.structured_retries:
            raise StructuredOutputError(
                f"The model's output did not match {schema.__name__} after "
                f"{ctx.structured_retries} retr{'y' if ctx.structured_retries == 1 else 'ies'}: "
                f"{error}. Simplify the schema, raise structured_output_retries, or use a model "
                "that supports JSON schema output.",
                cause=exc,
            ) from exc
        from locus.observability import emit

        emit(
            "agent.structured_output.retry",
            attempt=ctx.structured_attempts,
            max_attempts=ctx.structured_retries,
            error=error,
        )
        retry = Message.user(
            f"Your reply did not match the required JSON schema {schema.__name__}: {error}\n"
            "Reply again with ONLY a JSON object that matches the schema."
        )
        retry.metadata["locus"] = "structured_output_retry"
        ctx.state.messages.append(retry)
        ctx.force_continue = True
        return False
    ctx.structured_value = value
    ctx.state.structured_output = value.model_dump(mode="json")
    return True
