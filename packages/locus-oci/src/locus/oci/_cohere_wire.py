"""OCI's native Cohere chat format (``chatRequest.apiFormat = "COHERE"``), as plain functions."""

from __future__ import annotations

import json
from typing import Any

from locus.core.errors import ModelResponseError, ValidationError
from locus.core.events import ModelChunkEvent, ToolCallDelta
from locus.core.messages import Message, Role, ToolCall
from locus.models.failover import FailoverReason
from locus.models.response import ModelResponse

__all__ = [
    "CohereStreamAccumulator",
    "cohere_finish_reason",
    "cohere_response_format",
    "cohere_usage",
    "messages_to_cohere",
    "parse_cohere_chat",
    "tools_to_cohere",
]

_FINISH = {
    "COMPLETE": "stop",
    "USER_CANCEL": "stop",
    "MAX_TOKENS": "length",
    "ERROR_LIMIT": "length",
    "ERROR_TOXIC": "content_filter",
    "ERROR": "error",
}
_TYPES = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "array": "list",
    "object": "dict",
}


def cohere_finish_reason(reason: str | None, *, has_tool_calls: bool = False) -> str | None:
    """``COMPLETE``/``MAX_TOKENS``/``ERROR_TOXIC``... → ``stop``/``length``/``content_filter``."""
    if has_tool_calls and reason in (None, "COMPLETE"):
        return "tool_calls"
    if reason is None:
        return None
    return _FINISH.get(reason.upper(), reason.lower())


def _text(message: Message) -> str:
    if any(p.type == "image" for p in message.parts):
        raise ValidationError(
            "OCI's Cohere chat API takes text only; send images to a vision model through the "
            "OpenAI-compatible endpoint (e.g. 'oci:meta.llama-3.2-90b-vision-instruct')"
        )
    texts = [message.content or ""] + [p.text for p in message.parts if p.text]
    return "\n".join(t for t in texts if t)


def _output(content: str) -> dict[str, Any]:
    try:
        value = json.loads(content)
    except ValueError:
        return {"result": content}
    return value if isinstance(value, dict) else {"result": value}


def _tool_results(tools: list[Message], calls: dict[str, ToolCall]) -> list[dict[str, Any]]:
    out = []
    for message in tools:
        call = calls.get(message.tool_call_id or "")
        if call is None:
            raise ValidationError(
                f"tool result {message.tool_call_id!r} answers no earlier assistant tool call; "
                "Cohere needs the call it answers (keep the assistant message in the history)"
            )
        out.append(
            {
                "call": {"name": call.name, "parameters": call.arguments},
                "outputs": [_output(message.text)],
            }
        )
    return out


def messages_to_cohere(messages: list[Message]) -> dict[str, Any]:
    """Split a locus conversation into Cohere ``chatRequest`` fields.

    System messages become ``preambleOverride``; the last user message is
    ``message`` (``""`` when the conversation ends with tool results, which
    then go in ``toolResults``); everything before is ``chatHistory``
    (``USER``/``CHATBOT`` with ``toolCalls``/``TOOL`` with ``toolResults``).

    Raises:
        ValidationError: No user message, an image, or an orphan tool result.
    """
    system = [m.content for m in messages if m.role is Role.SYSTEM and m.content]
    turns = [m for m in messages if m.role is not Role.SYSTEM]
    calls = {c.id: c for m in turns if m.role is Role.ASSISTANT for c in m.tool_calls}
    end = len(turns)
    while end > 0 and turns[end - 1].role is Role.TOOL:
        end -= 1
    out: dict[str, Any] = {}
    if end < len(turns):
        out["message"] = ""
        out["toolResults"] = _tool_results(turns[end:], calls)
        history = turns[:end]
    elif turns and turns[-1].role is Role.USER:
        out["message"] = _text(turns[-1])
        history = turns[:-1]
    else:
        raise ValidationError("a Cohere chat request must end with a user message or tool results")
    chat_history: list[dict[str, Any]] = []
    i = 0
    while i < len(history):
        m = history[i]
        if m.role is Role.USER:
            chat_history.append({"role": "USER", "message": _text(m)})
        elif m.role is Role.ASSISTANT:
            entry: dict[str, Any] = {"role": "CHATBOT", "message": m.content or ""}
            if m.tool_calls:
                entry["toolCalls"] = [
                    {"name": c.name, "parameters": c.arguments} for c in m.tool_calls
                ]
            chat_history.append(entry)
        else:
            j = i
            while j < len(history) and history[j].role is Role.TOOL:
                j += 1
            chat_history.append({"role": "TOOL", "toolResults": _tool_results(history[i:j], calls)})
            i = j
            continue
        i += 1
    if chat_history:
        out["chatHistory"] = chat_history
    if system:
        out["preambleOverride"] = "\n\n".join(system)
    return out


def _param_type(schema: dict[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "array" and isinstance(schema.get("items"), dict):
        inner = _TYPES.get(str(schema["items"].get("type")), "")
        return f"List[{inner}]" if inner else "list"
    return _TYPES.get(str(kind), "str")


def tools_to_cohere(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """OpenAI-style tool schemas → Cohere tools with ``parameterDefinitions``.

    Nested object/array schemas are flattened to ``dict``/``List[...]`` with
    the sub-schema appended to the description (the Cohere format has no
    nesting).
    """
    if not tools:
        return None
    from locus.openai import tools_to_chat

    out = []
    for tool in tools_to_chat(tools) or ():
        fn = tool["function"]
        params = fn.get("parameters") or {}
        required = set(params.get("required") or ())
        definitions: dict[str, Any] = {}
        for name, schema in (params.get("properties") or {}).items():
            description = schema.get("description") or ""
            if schema.get("type") in ("object", "array") and (
                schema.get("properties") or schema.get("items")
            ):
                description = f"{description} JSON schema: {json.dumps(schema)}".strip()
            if "enum" in schema:
                description = f"{description} One of: {schema['enum']}".strip()
            definitions[name] = {
                "type": _param_type(schema),
                "description": description or name,
                "isRequired": name in required,
            }
        out.append(
            {
                "name": fn["name"],
                "description": fn.get("description") or fn["name"],
                "parameterDefinitions": definitions,
            }
        )
    return out


def cohere_response_format(value: Any) -> dict[str, Any] | None:
    """OpenAI ``response_format`` → Cohere ``responseFormat`` (``JSON_OBJECT`` + schema)."""
    from locus.openai import normalize_response_format

    value = normalize_response_format(value)
    if not isinstance(value, dict):
        raise ValidationError(f"unsupported response_format {value!r}")
    kind = value.get("type")
    if kind == "json_schema":
        spec = value.get("json_schema") or {}
        return {"type": "JSON_OBJECT", "schema": spec.get("schema") or {}}
    if kind == "json_object":
        return {"type": "JSON_OBJECT"}
    if kind == "text":
        return {"type": "TEXT"}
    raise ValidationError(
        f"unsupported response_format type {kind!r}: use json_schema, json_object or text"
    )


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


def cohere_usage(usage: Any) -> dict[str, int]:
    """OCI ``usage`` (camelCase) → the common :class:`~locus.core.state.TokenUsage` shape."""
    if not isinstance(usage, dict):
        return {}
    prompt = _int(usage.get("promptTokens"))
    completion = _int(usage.get("completionTokens"))
    out = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": _int(usage.get("totalTokens")) or prompt + completion,
    }
    if cached := _int((usage.get("promptTokensDetails") or {}).get("cachedTokens")):
        out["cache_read_tokens"] = cached
    if reasoning := _int((usage.get("completionTokensDetails") or {}).get("reasoningTokens")):
        out["reasoning_tokens"] = reasoning
    return out


def _calls(raw: Any) -> list[ToolCall]:
    calls = []
    for item in raw or ():
        if isinstance(item, dict) and item.get("name"):
            params = item.get("parameters")
            args = params if isinstance(params, dict) else {}
            calls.append(ToolCall.from_openai_format({"name": item["name"], "arguments": args}))
    return calls


def parse_cohere_chat(body: Any, *, provider: str = "oci") -> ModelResponse:
    """Parse a ``/actions/chat`` result (``{"modelId", "chatResponse": {...}}``).

    Raises:
        ModelResponseError: No ``chatResponse`` object.
    """
    chat = body.get("chatResponse") if isinstance(body, dict) else None
    if not isinstance(chat, dict):
        raise ModelResponseError(
            f"{provider} returned a chat result without chatResponse: {str(body)[:200]!r}",
            reason=FailoverReason.MALFORMED_RESPONSE,
        )
    calls = _calls(chat.get("toolCalls"))
    message = Message(role=Role.ASSISTANT, content=chat.get("text") or None, tool_calls=calls)
    raw = {k: body[k] for k in ("modelVersion",) if body.get(k)}
    if chat.get("citations"):
        raw["citations"] = chat["citations"]
    return ModelResponse(
        message=message,
        usage=cohere_usage(chat.get("usage")),
        stop_reason=cohere_finish_reason(chat.get("finishReason"), has_tool_calls=bool(calls)),
        model=body.get("modelId"),
        raw=raw,
    )


class CohereStreamAccumulator:
    """Turns OCI Cohere stream events into :class:`ModelChunkEvent` s.

    Text events carry ``{"text": delta}``; the last event has
    ``finishReason`` (and repeats the whole text, which is not re-emitted),
    plus ``toolCalls`` and ``usage`` when there are any.
    """

    def __init__(self, *, provider: str = "oci") -> None:
        self.provider = provider
        self.finish_reason: str | None = None
        self.usage: dict[str, int] = {}
        self.calls = 0

    def feed(self, event: dict[str, Any]) -> list[ModelChunkEvent]:
        """Events for one decoded SSE payload."""
        if event.get("usage"):
            self.usage = cohere_usage(event["usage"])
        out: list[ModelChunkEvent] = []
        if not self.calls:
            for index, call in enumerate(_calls(event.get("toolCalls"))):
                self.calls += 1
                delta = ToolCallDelta(
                    index=index,
                    id=call.id,
                    name=call.name,
                    arguments_delta=json.dumps(call.arguments),
                )
                out.append(ModelChunkEvent(tool_call_delta=delta))
        if "finishReason" in event:
            self.finish_reason = event["finishReason"]
        elif isinstance(event.get("text"), str) and event["text"]:
            out.insert(0, ModelChunkEvent(content=event["text"]))
        return out

    def final(self) -> ModelChunkEvent:
        """The ``done=True`` chunk with usage and the stop reason."""
        return ModelChunkEvent(
            done=True,
            usage=self.usage or None,
            stop_reason=cohere_finish_reason(self.finish_reason, has_tool_calls=bool(self.calls)),
        )
