"""The OpenAI chat-completions wire format, as plain functions over dicts.

Shared by every OpenAI-compatible provider (OpenAI, Ollama, OCI Generative
AI's OpenAI endpoint, vLLM...): nothing here imports the OpenAI SDK or knows
about endpoints or auth.
"""

from __future__ import annotations

import json
from typing import Any

from locus.core.errors import ModelResponseError, ValidationError
from locus.core.events import ModelChunkEvent, ToolCallDelta
from locus.core.messages import ContentPart, Message, Role, ToolCall
from locus.models.failover import FailoverReason
from locus.models.response import ModelResponse

__all__ = [
    "ChatStreamAccumulator",
    "chat_usage",
    "messages_to_chat",
    "normalize_finish_reason",
    "normalize_response_format",
    "parse_chat_completion",
    "tools_to_chat",
]

_FINISH = {
    "stop": "stop",
    "end_turn": "stop",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "tool_use": "tool_calls",
    "length": "length",
    "max_tokens": "length",
    "content_filter": "content_filter",
}


def normalize_finish_reason(reason: str | None, *, has_tool_calls: bool = False) -> str | None:
    """Map a provider finish reason to ``stop``/``tool_calls``/``length``/``content_filter``.

    A turn that carries tool calls but says ``stop`` (Ollama, some
    OpenAI-compatible servers) is reported as ``tool_calls``. Unknown reasons
    pass through unchanged.
    """
    if reason is None:
        return "tool_calls" if has_tool_calls else None
    normalized = _FINISH.get(reason, reason)
    if has_tool_calls and normalized == "stop":
        return "tool_calls"
    return normalized


def _image_part(part: ContentPart) -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": part.image_url}}


def _user_content(message: Message) -> str | list[dict[str, Any]]:
    if not message.parts:
        return message.content or ""
    content: list[dict[str, Any]] = []
    if message.content:
        content.append({"type": "text", "text": message.content})
    for part in message.parts:
        if part.type == "image" and part.image_url:
            content.append(_image_part(part))
        elif part.text:
            content.append({"type": "text", "text": part.text})
    return content


def messages_to_chat(messages: list[Message]) -> list[dict[str, Any]]:
    """Convert locus messages to OpenAI chat ``messages``.

    System and user messages keep their role (user images become
    ``image_url`` parts); assistant tool calls become ``tool_calls`` with JSON
    argument strings (undecodable arguments are echoed raw); tool results
    become ``role: tool`` messages with their ``tool_call_id``.

    Raises:
        ValidationError: A tool message has no ``tool_call_id``.
    """
    out: list[dict[str, Any]] = []
    for message in messages:
        role = message.role
        if role is Role.USER:
            out.append({"role": "user", "content": _user_content(message)})
        elif role is Role.SYSTEM:
            out.append({"role": "system", "content": message.content or ""})
        elif role is Role.ASSISTANT:
            entry: dict[str, Any] = {"role": "assistant", "content": message.content}
            if message.tool_calls:
                entry["tool_calls"] = [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {
                            "name": call.name,
                            "arguments": call.raw_arguments
                            if call.raw_arguments is not None
                            else json.dumps(call.arguments),
                        },
                    }
                    for call in message.tool_calls
                ]
            elif entry["content"] is None:
                entry["content"] = ""
            out.append(entry)
        else:
            if not message.tool_call_id:
                raise ValidationError(
                    "a tool message needs the tool_call_id of the call it answers; "
                    "build it with Message.tool(ToolResult(tool_call_id=..., ...))"
                )
            out.append(
                {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.text}
            )
    return out


def tools_to_chat(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Normalise tool schemas to chat ``tools`` (``{"type": "function", "function": {...}}``).

    Accepts the OpenAI shape as is, or a flat ``{"name", "description",
    "parameters"}`` dict.

    Raises:
        ValidationError: A schema has no name.
    """
    if not tools:
        return None
    out: list[dict[str, Any]] = []
    for tool in tools:
        if tool.get("type") == "function" and isinstance(tool.get("function"), dict):
            out.append(tool)
            continue
        if "name" not in tool:
            raise ValidationError(
                f"tool schema needs a 'name' (OpenAI format {{'type': 'function', "
                f"'function': {{'name', 'description', 'parameters'}}}}), got {tool!r}"
            )
        fn: dict[str, Any] = {"name": tool["name"]}
        if tool.get("description"):
            fn["description"] = tool["description"]
        fn["parameters"] = tool.get("parameters") or {"type": "object", "properties": {}}
        if "strict" in tool:
            fn["strict"] = tool["strict"]
        out.append({"type": "function", "function": fn})
    return out


def normalize_response_format(value: Any) -> Any:
    """Turn a pydantic model class into a ``json_schema`` response format; pass others through."""
    if isinstance(value, type):
        schema_fn = getattr(value, "model_json_schema", None)
        if callable(schema_fn):
            return {
                "type": "json_schema",
                "json_schema": {"name": value.__name__, "schema": schema_fn()},
            }
    return value


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) else 0


def usage_counts(
    usage: dict[str, Any] | None, *, prompt_key: str, completion_key: str
) -> dict[str, int]:
    """An OpenAI-style ``usage`` → the common shape of :class:`locus.core.state.TokenUsage`.

    Chat completions and the Responses API differ only in the key prefix
    (``prompt``/``completion`` vs ``input``/``output``): ``<prefix>_tokens``
    and ``<prefix>_tokens_details`` with ``cached_tokens`` / ``reasoning_tokens``.
    """
    if not usage:
        return {}
    prompt = _int(usage.get(f"{prompt_key}_tokens"))
    completion = _int(usage.get(f"{completion_key}_tokens"))
    out = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": _int(usage.get("total_tokens")) or prompt + completion,
    }
    prompt_details = usage.get(f"{prompt_key}_tokens_details") or {}
    completion_details = usage.get(f"{completion_key}_tokens_details") or {}
    if cached := _int(prompt_details.get("cached_tokens")):
        out["cache_read_tokens"] = cached
    if reasoning := _int(completion_details.get("reasoning_tokens")):
        out["reasoning_tokens"] = reasoning
    return out


def chat_usage(usage: dict[str, Any] | None) -> dict[str, int]:
    """Chat ``usage`` → the common shape of :class:`locus.core.state.TokenUsage`."""
    return usage_counts(usage, prompt_key="prompt", completion_key="completion")


def _reasoning_text(container: dict[str, Any]) -> str | None:
    value = container.get("reasoning_content") or container.get("reasoning")
    return value if isinstance(value, str) and value else None


def parse_chat_completion(body: Any, *, provider: str = "openai") -> ModelResponse:
    """Parse a chat-completions response body (a dict) into a :class:`ModelResponse`.

    Raises:
        ModelResponseError: The body has no usable ``choices[0].message``.
    """
    try:
        choice = body["choices"][0]
        msg = choice["message"]
        if not isinstance(msg, dict):
            raise TypeError("message is not an object")
    except (KeyError, IndexError, TypeError) as exc:
        raise ModelResponseError(
            f"{provider} returned a chat completion without choices[0].message: "
            f"{str(body)[:200]!r}",
            cause=exc,
            reason=FailoverReason.MALFORMED_RESPONSE,
        ) from exc
    calls: list[ToolCall] = []
    for raw in msg.get("tool_calls") or ():
        fn = raw.get("function") or {}
        if not fn.get("name"):
            continue
        calls.append(ToolCall.from_openai_format(raw))
    content = msg.get("content")
    metadata: dict[str, Any] = {}
    if content is None and msg.get("refusal"):
        content = msg["refusal"]
        metadata["refusal"] = True
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict)) or None
    message = Message(
        role=Role.ASSISTANT,
        content=content,
        tool_calls=calls,
        reasoning=_reasoning_text(msg),
        metadata=metadata,
    )
    raw_extra = {k: body[k] for k in ("id", "system_fingerprint", "service_tier") if body.get(k)}
    return ModelResponse(
        message=message,
        usage=chat_usage(body.get("usage")),
        stop_reason=normalize_finish_reason(
            choice.get("finish_reason"), has_tool_calls=bool(calls)
        ),
        model=body.get("model"),
        raw=raw_extra,
    )


class ChatStreamAccumulator:
    """Turn chat-completion stream chunks (dicts) into :class:`ModelChunkEvent` s.

    Feed every decoded SSE payload to :meth:`feed`; after the stream ends,
    :meth:`final` gives the ``done=True`` chunk with usage and the
    normalised stop reason. Works for any OpenAI-compatible server.
    """

    def __init__(self, *, provider: str = "openai") -> None:
        self.provider = provider
        self.finish_reason: str | None = None
        self.usage: dict[str, int] = {}
        self.model: str | None = None
        self._tool_indexes: set[int] = set()

    def feed(self, chunk: dict[str, Any]) -> list[ModelChunkEvent]:
        """Events for one chunk (possibly none).

        Raises:
            ModelResponseError: The chunk is an in-stream ``error`` object.
        """
        if "error" in chunk and "choices" not in chunk:
            err = chunk["error"]
            text = err.get("message") if isinstance(err, dict) else str(err)
            raise ModelResponseError(
                f"{self.provider} stream failed: {text}", reason=FailoverReason.SERVER_ERROR
            )
        if chunk.get("model"):
            self.model = chunk["model"]
        if chunk.get("usage"):
            self.usage = chat_usage(chunk["usage"])
        events: list[ModelChunkEvent] = []
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") or {}
            if reasoning := _reasoning_text(delta):
                events.append(ModelChunkEvent(reasoning=reasoning))
            if content := delta.get("content"):
                events.append(ModelChunkEvent(content=content))
            for call in delta.get("tool_calls") or ():
                fn = call.get("function") or {}
                index = call.get("index")
                if not isinstance(index, int):
                    # servers that omit the index: a new id opens a call, else continue the last
                    fresh = call.get("id") or not self._tool_indexes
                    index = len(self._tool_indexes) if fresh else max(self._tool_indexes)
                self._tool_indexes.add(index)
                args = fn.get("arguments") or ""
                if not isinstance(args, str):
                    args = json.dumps(args)
                events.append(
                    ModelChunkEvent(
                        tool_call_delta=ToolCallDelta(
                            index=index,
                            id=call.get("id"),
                            name=fn.get("name"),
                            arguments_delta=args,
                        )
                    )
                )
            if choice.get("finish_reason"):
                self.finish_reason = choice["finish_reason"]
        return events

    def final(self) -> ModelChunkEvent:
        """The closing ``done=True`` chunk."""
        return ModelChunkEvent(
            done=True,
            usage=self.usage or None,
            stop_reason=normalize_finish_reason(
                self.finish_reason, has_tool_calls=bool(self._tool_indexes)
            ),
        )
