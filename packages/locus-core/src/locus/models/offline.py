"""Offline models: no network, no key, deterministic.

- :class:`ScriptedModel` replays a list of responses in order.
- :class:`FunctionModel` lets a Python function play the model.
- :class:`TestModel` calls every tool once with schema-valid arguments, then
  answers with a summary (or schema-valid JSON when asked for structured output).

All three record what they were sent and implement ``stream`` (word chunks,
tool-call deltas, a final ``done`` chunk with usage). Token counts are word
counts, so usage numbers are deterministic.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from locus.core.errors import ModelResponseError, ValidationError
from locus.core.events import ModelChunkEvent, ToolCallDelta
from locus.core.messages import Message, Role, ToolCall
from locus.models._schema_values import example_value
from locus.models.response import ModelResponse

__all__ = [
    "FunctionModel",
    "ModelRequest",
    "ScriptedModel",
    "TestModel",
    "count_tokens",
    "test_model_factory",
]

Scripted = ModelResponse | Message | str | ToolCall | Sequence[ToolCall] | BaseException
FunctionResult = ModelResponse | Message | str | ToolCall | Sequence[ToolCall]


def count_tokens(text: str | None) -> int:
    """Deterministic token count: whitespace-separated words."""
    return len(text.split()) if text else 0


def _message_tokens(message: Message) -> int:
    total = count_tokens(message.content)
    for call in message.tool_calls:
        total += 1 + count_tokens(json.dumps(call.arguments))
    return total


@dataclass
class ModelRequest:
    """One request an offline model received."""

    messages: list[Message]
    tools: list[dict[str, Any]] | None
    kwargs: dict[str, Any] = field(default_factory=dict)


def _to_response(item: Any, messages: list[Message]) -> ModelResponse:
    if isinstance(item, ModelResponse):
        response = item
    elif isinstance(item, Message):
        response = ModelResponse(message=item)
    elif isinstance(item, str):
        response = ModelResponse(message=Message.assistant(item))
    elif isinstance(item, ToolCall):
        response = ModelResponse(message=Message.assistant(tool_calls=[item]))
    elif isinstance(item, Sequence) and all(isinstance(c, ToolCall) for c in item):
        response = ModelResponse(message=Message.assistant(tool_calls=list(item)))
    else:
        raise ValidationError(
            f"offline model responses must be ModelResponse, Message, str, ToolCall or a list "
            f"of ToolCall; got {type(item).__name__}"
        )
    if response.message.role is not Role.ASSISTANT:
        response = response.model_copy(
            update={"message": response.message.model_copy(update={"role": Role.ASSISTANT})}
        )
    if not response.usage:
        prompt = sum(_message_tokens(m) for m in messages)
        completion = _message_tokens(response.message)
        response = response.model_copy(
            update={
                "usage": {
                    "prompt_tokens": prompt,
                    "completion_tokens": completion,
                    "total_tokens": prompt + completion,
                }
            }
        )
    if response.stop_reason is None:
        stop = "tool_calls" if response.message.tool_calls else "stop"
        response = response.model_copy(update={"stop_reason": stop})
    return response


async def stream_response(response: ModelResponse) -> AsyncIterator[ModelChunkEvent]:
    """Chunk a complete response: reasoning, words, tool-call deltas, then ``done``.

    The ``done`` chunk carries the message's ``metadata`` (if any), so a turn
    assembled from the chunks keeps it.
    """
    message = response.message
    if message.reasoning:
        yield ModelChunkEvent(reasoning=message.reasoning)
    words = (message.content or "").split(" ")
    if message.content:
        for i, word in enumerate(words):
            yield ModelChunkEvent(content=word if i == 0 else " " + word)
    for index, call in enumerate(message.tool_calls):
        args = call.raw_arguments if call.raw_arguments is not None else json.dumps(call.arguments)
        half = len(args) // 2
        yield ModelChunkEvent(
            tool_call_delta=ToolCallDelta(
                index=index, id=call.id, name=call.name, arguments_delta=args[:half]
            )
        )
        yield ModelChunkEvent(
            tool_call_delta=ToolCallDelta(index=index, arguments_delta=args[half:])
        )
    yield ModelChunkEvent(
        done=True,
        usage=dict(response.usage),
        stop_reason=response.stop_reason,
        metadata=dict(message.metadata) or None,
    )


class _OfflineModel:
    """Shared recording and streaming of the offline models."""

    model: str = "offline"

    def __init__(self) -> None:
        self.requests: list[ModelRequest] = []

    @property
    def calls(self) -> list[list[Message]]:
        """The message lists received, one per call, oldest first."""
        return [request.messages for request in self.requests]

    async def _respond(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, kwargs: dict[str, Any]
    ) -> ModelResponse:
        raise NotImplementedError

    async def complete(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> ModelResponse:
        """Answer one request (recorded in :attr:`requests`)."""
        snapshot = [m.model_copy() for m in messages]
        self.requests.append(ModelRequest(messages=snapshot, tools=tools, kwargs=dict(kwargs)))
        return await self._respond(snapshot, tools, kwargs)

    async def stream(
        self,
        messages: list[Message],
        tools: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[ModelChunkEvent]:
        """Stream the same answer :meth:`complete` would give, in chunks."""
        response = await self.complete(messages, tools, **kwargs)
        async for chunk in stream_response(response):
            yield chunk


class ScriptedModel(_OfflineModel):
    """Replays scripted responses in order.

    Each item is a :class:`ModelResponse`, a :class:`Message`, a ``str``
    (assistant text), a :class:`ToolCall` or a list of them (a tool-calling
    turn), or an exception instance (raised when reached, to test retries).

    Args:
        responses: The script.

    Raises:
        locus.core.errors.ModelResponseError: on a call after the script ran out.
    """

    model = "scripted"

    def __init__(self, responses: Iterable[Scripted]) -> None:
        super().__init__()
        self.responses: list[Any] = list(responses)
        self._position = 0

    @property
    def remaining(self) -> int:
        """Responses not yet replayed."""
        return len(self.responses) - self._position

    async def _respond(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, kwargs: dict[str, Any]
    ) -> ModelResponse:
        if self._position >= len(self.responses):
            raise ModelResponseError(
                f"ScriptedModel ran out of responses after {len(self.responses)} call(s); "
                "add more responses to the script (reflexion=True and output_schema retries "
                "each use a model call too)."
            )
        item = self.responses[self._position]
        self._position += 1
        if isinstance(item, BaseException):
            raise item
        return _to_response(item, messages)


class FunctionModel(_OfflineModel):
    """A Python function plays the model.

    ``fn(messages, tools)`` (or ``fn(messages, tools, options)`` to also get
    the call's keyword options such as ``response_format``), sync or async,
    returns a :class:`ModelResponse`, :class:`Message`, ``str``, ToolCall or a
    list of ToolCalls.

    Args:
        fn: The function.
        name: Model name reported in responses.
    """

    def __init__(
        self,
        fn: Callable[..., FunctionResult | Awaitable[FunctionResult]],
        *,
        name: str = "function",
    ) -> None:
        if not callable(fn):
            raise ValidationError(f"FunctionModel needs a callable, got {fn!r}")
        super().__init__()
        self.fn = fn
        self.model = name
        params = inspect.signature(fn).parameters.values()
        self._wants_options = sum(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params
        ) >= 3 or any(p.kind is p.VAR_POSITIONAL for p in params)

    async def _respond(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, kwargs: dict[str, Any]
    ) -> ModelResponse:
        out = self.fn(messages, tools, kwargs) if self._wants_options else self.fn(messages, tools)
        if inspect.isawaitable(out):
            out = await out
        response = _to_response(out, messages)
        return response if response.model else response.model_copy(update={"model": self.model})


class TestModel(_OfflineModel):
    """Calls every tool once with schema-valid arguments, then answers with a summary.

    With a ``response_format`` of type ``json_schema`` it answers with JSON
    valid for that schema (or ``output`` when given).

    Args:
        call_tools: ``"all"`` or the names of the tools to call.
        text: Final answer text (default: a summary of the tool results).
        output: Structured output to return as JSON when a schema is requested.
    """

    __test__ = False  # not a pytest test class
    model = "test"

    def __init__(
        self,
        call_tools: str | Sequence[str] = "all",
        *,
        text: str | None = None,
        output: Any = None,
    ) -> None:
        super().__init__()
        self.call_tools = call_tools
        self.text = text
        self.output = output
        self._counter = 0

    async def _respond(
        self, messages: list[Message], tools: list[dict[str, Any]] | None, kwargs: dict[str, Any]
    ) -> ModelResponse:
        since_user = _since_last_user(messages)
        answered = [m for m in since_user if m.role is Role.TOOL]
        asked = any(m.role is Role.ASSISTANT and m.tool_calls for m in since_user)
        if tools and not asked:
            calls = [self._call(spec) for spec in tools if self._wanted(spec)]
            if calls:
                return _to_response(calls, messages)
        schema = _json_schema(kwargs.get("response_format"))
        if schema is not None:
            value = self.output if self.output is not None else example_value(schema)
            if hasattr(value, "model_dump_json"):
                return _to_response(value.model_dump_json(), messages)
            return _to_response(json.dumps(value), messages)
        if self.text is not None:
            return _to_response(self.text, messages)
        if answered:
            summary = "; ".join(f"{m.name}: {m.content}" for m in answered)
            return _to_response(f"Tool results: {summary}", messages)
        return _to_response("success (no tool calls)", messages)

    def _wanted(self, spec: dict[str, Any]) -> bool:
        name = spec.get("function", spec).get("name")
        return self.call_tools == "all" or name in self.call_tools

    def _call(self, spec: dict[str, Any]) -> ToolCall:
        fn = spec.get("function", spec)
        self._counter += 1
        arguments = example_value(fn.get("parameters") or {"type": "object"})
        return ToolCall(
            id=f"call_test_{self._counter}",
            name=fn["name"],
            arguments=arguments if isinstance(arguments, dict) else {},
        )


def _since_last_user(messages: list[Message]) -> list[Message]:
    for index in range(len(messages) - 1, -1, -1):
        if messages[index].role is Role.USER:
            return messages[index + 1 :]
    return list(messages)


def _json_schema(response_format: Any) -> dict[str, Any] | None:
    if not isinstance(response_format, dict):
        return None
    if response_format.get("type") == "json_schema":
        spec = response_format.get("json_schema") or {}
        schema = spec.get("schema") if isinstance(spec, dict) else None
        return schema if isinstance(schema, dict) else {"type": "object"}
    if response_format.get("type") == "json_object":
        return {"type": "object"}
    return None


def test_model_factory(name: str, **options: Any) -> TestModel:
    """Factory behind ``get_model("test")``; ``options`` go to :class:`TestModel`."""
    return TestModel(**options)


test_model_factory.__test__ = False  # type: ignore[attr-defined]
