"""``stream_structured``: validated partial structured output while the model streams.

With ``Agent(output_schema=Model, stream=True)`` the model streams its JSON
answer chunk by chunk. :func:`stream_structured` reads those chunks and
yields a ``Model`` built from the fields that are complete and valid so far
(``Model.model_construct``: missing fields are absent, not defaulted), then
exposes the final, fully validated value the run produced.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter

from locus.core._partial_json import parse_partial, valid_fields
from locus.streaming._event import AnyEvent, event_view

__all__ = ["StructuredStream", "stream_structured"]

T = TypeVar("T", bound=BaseModel)


class StructuredStream(Generic[T]):
    """Async iterator of partial ``schema`` instances, then the final value.

    Each partial has only the fields whose streamed value is complete enough
    to validate on its own (a string grows as it streams; a number appears
    once a delimiter follows it; a nested object appears once it validates).
    A new partial is yielded when the set of valid values changed and is not
    empty (every chunk with ``emit_unchanged=True``). A turn that fails validation and is
    retried starts over.

    Attributes:
        final: The validated output of the run (after iteration), or ``None``.
        terminate_reason: The run's stop reason (after iteration).
        events: Every event seen, in order.
    """

    def __init__(
        self, events: AsyncIterable[AnyEvent], schema: type[T], *, emit_unchanged: bool = False
    ) -> None:
        if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
            from locus.core.errors import ValidationError as LocusValidationError

            raise LocusValidationError(
                f"stream_structured needs a pydantic BaseModel subclass, got {schema!r}"
            )
        self._events = events
        self.schema = schema
        self.emit_unchanged = emit_unchanged
        self.final: T | None = None
        self.terminate_reason: str | None = None
        self.events: list[AnyEvent] = []
        self._adapters: dict[str, TypeAdapter[Any]] = {
            name: TypeAdapter(Any if field.annotation is None else field.annotation)
            for name, field in schema.model_fields.items()
        }

    def __aiter__(self) -> AsyncIterator[T]:
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[T]:
        text: list[str] = []
        last: dict[str, Any] | None = None
        async for event in self._events:
            self.events.append(event)
            view = event_view(event)
            kind, data = view.event_type, view.data
            if kind == "agent.model.chunk" and data.get("content"):
                text.append(data["content"])
                fields = valid_fields(parse_partial("".join(text)), self._adapters)
                if fields is not None and (self.emit_unchanged or (fields and fields != last)):
                    last = fields
                    yield self.schema.model_construct(**fields)
            elif kind == "agent.think":
                text.clear()  # the turn is over; a retried turn streams afresh
                last = None
            elif kind == "agent.terminate":
                self.terminate_reason = data.get("reason")
                output = data.get("structured_output")
                if output is not None:
                    self.final = self.schema.model_validate(output)


def stream_structured(
    events: AsyncIterable[AnyEvent], schema: type[T], *, emit_unchanged: bool = False
) -> StructuredStream[T]:
    """Partial, validated ``schema`` instances from a streaming run's events.

    Example::

        agent = Agent(model=..., output_schema=Incident, stream=True)
        stream = stream_structured(agent.run("Summarise the outage"), Incident)
        async for partial in stream:
            render(partial)          # fields fill in as the model writes them
        incident = stream.final      # the validated Incident

    Raises:
        locus.core.errors.ValidationError: ``schema`` is not a pydantic model.
    """
    return StructuredStream(events, schema, emit_unchanged=emit_unchanged)
