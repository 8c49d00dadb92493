"""The OpenAI Responses API wire format, as plain functions over dicts.

Stateless use: the whole conversation is sent as ``input`` items each turn
(no ``previous_response_id``), so it works with ``store=False`` and with
Responses-compatible endpoints (OCI Generative AI).
"""

from __future__ import annotations

import json
from typing import Any

from locus.core.errors import ModelError, ModelResponseError, ValidationError
from locus.core.events import ModelChunkEvent, ToolCallDelta
from locus.core.messages import Message, Role, ToolCall
from locus.models.failover import FailoverReason, reason_for_status
from locus.models.response import ModelResponse
from locus.openai._chat_wire import normalize_response_format, tools_to_chat, usage_counts

__all__ = [
    "REASONING_METADATA_KEY",
    "ResponsesStreamAccumulator",
    "messages_to_responses",
    "parse_response",
    "response_format_to_text",
    "responses_stop_reason",
    "responses_usage",
    "tool_choice_to_responses",
    "tools_to_responses",
]


def _user_content(message: Message) -> str | list[dict[str, Any]]:
    if not message.parts:
        return message.content or ""
    content: list[dict[str, Any]] = []
    if message.content:
        content.append({"type": "input_text", "text": message.content})
    for part in message.parts:
        if part.type == "image" and part.image_url:
            content.append({"type": "input_image", "image_url": part.image_url, "detail": "auto"})
        elif part.text:
            content.append({"type": "input_text", "text": part.text})
    return content


def messages_to_responses(messages: list[Message]) -> list[dict[str, Any]]:
    """Convert locus messages to Responses API ``input`` items.

    System/user/assistant text become role messages (user images become
    ``input_image`` parts); assistant tool calls become ``function_call``
    items and tool results ``function_call_output`` items.

    Raises:
        ValidationError: A tool message has no ``tool_call_id``.
    """
    items: list[dict[str, Any]] = []
    for message in messages:
        role = message.role
        if role is Role.USER:
            items.append({"role": "user", "content": _user_content(message)})
        elif role is Role.SYSTEM:
            items.append({"role": "system", "content": message.content or ""})
        elif role is Role.ASSISTANT:
            items.extend(_reasoning_items(message))
            if message.content:
                items.append({"role": "assistant", "content": message.content})
            for call in message.tool_calls:
                args = (
                    call.raw_arguments
                    if call.raw_arguments is not None
                    else json.dumps(call.arguments)
                )
                items.append(
                    {
                        "type": "function_call",
                        "call_id": call.id,
                        "name": call.name,
                        "arguments": args,
                    }
                )
        else:
            if not message.tool_call_id:
                raise ValidationError(
                    "a tool message needs the tool_call_id of the call it answers; "
                    "build it with Message.tool(ToolResult(tool_call_id=..., ...))"
                )
            items.append(
                {
                    "type": "function_call_output",
                    "call_id": message.tool_call_id,
                    "output": message.text,
                }
            )
    return items


REASONING_METADATA_KEY = "openai_reasoning_items"
"""``Message.metadata`` key holding encrypted reasoning items to send back next turn."""


def _kept_reasoning(item: dict[str, Any]) -> dict[str, Any] | None:
    """The part of a ``reasoning`` output item to send back, if it is encrypted."""
    if item.get("type") != "reasoning" or not item.get("encrypted_content"):
        return None
    return {
        "type": "reasoning",
        "id": item.get("id"),
        "summary": item.get("summary") or [],
        "encrypted_content": item["encrypted_content"],
    }


def _reasoning_items(message: Message) -> list[dict[str, Any]]:
    stored = message.metadata.get(REASONING_METADATA_KEY)
    if not isinstance(stored, list):
        return []
    return [item for item in stored if isinstance(item, dict) and item.get("encrypted_content")]


def tools_to_responses(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Tool schemas (OpenAI chat shape or flat) → Responses ``function`` tools.

    ``strict`` is ``False`` unless the schema says otherwise (the Responses
    API would otherwise demand strict-mode schemas).
    """
    chat_tools = tools_to_chat(tools)
    if not chat_tools:
        return None
    out: list[dict[str, Any]] = []
    for tool in chat_tools:
        fn = tool["function"]
        entry: dict[str, Any] = {"type": "function", "name": fn["name"]}
        if fn.get("description"):
            entry["description"] = fn["description"]
        entry["parameters"] = fn.get("parameters") or {"type": "object", "properties": {}}
        entry["strict"] = bool(fn.get("strict", False))
        out.append(entry)
    return out


def tool_choice_to_responses(choice: Any) -> Any:
    """A chat-style ``tool_choice`` (``{"type": "function", "function": {"name"}}``) → Responses."""
    if isinstance(choice, dict) and isinstance(choice.get("function"), dict):
        return {"type": "function", "name": choice["function"]["name"]}
    return choice


def response_format_to_text(response_format: Any) -> dict[str, Any]:
    """Chat ``response_format`` → the Responses ``text`` parameter (``text.format``).

    Raises:
        ValidationError: An unsupported ``response_format``.
    """
    fmt = normalize_response_format(response_format)
    if not isinstance(fmt, dict) or "type" not in fmt:
        raise ValidationError(
            "response_format must be {'type': 'json_schema', 'json_schema': {'name': ..., "
            f"'schema': ...}}, {{'type': 'json_object'}} or a pydantic model, got {fmt!r}"
        )
    if fmt["type"] == "json_schema":
        spec = fmt.get("json_schema") or {}
        out: dict[str, Any] = {
            "type": "json_schema",
            "name": spec.get("name", "output"),
            "schema": spec.get("schema", {}),
        }
        if "strict" in spec:
            out["strict"] = spec["strict"]
        if spec.get("description"):
            out["description"] = spec["description"]
        return {"format": out}
    return {"format": {"type": fmt["type"]}}


def responses_usage(usage: dict[str, Any] | None) -> dict[str, int]:
    """Responses ``usage`` → the common shape of :class:`locus.core.state.TokenUsage`."""
    return usage_counts(usage, prompt_key="input", completion_key="output")


def responses_stop_reason(body: dict[str, Any], *, has_tool_calls: bool) -> str | None:
    """Normalised stop reason from a response's ``status`` / ``incomplete_details``."""
    status = body.get("status")
    if status == "incomplete":
        reason = (body.get("incomplete_details") or {}).get("reason")
        if reason == "max_output_tokens":
            return "length"
        if reason == "content_filter":
            return "content_filter"
        return str(reason or "incomplete")
    if has_tool_calls:
        return "tool_calls"
    return "stop" if status in ("completed", None) else str(status)


def _failed(body: dict[str, Any], provider: str) -> ModelError:
    err = body.get("error") or {}
    code = str(err.get("code") or "")
    text = err.get("message") or "response failed"
    if code == "rate_limit_exceeded":
        reason = FailoverReason.RATE_LIMIT
    elif code == "server_error":
        reason = FailoverReason.SERVER_ERROR
    else:
        reason = reason_for_status(400, text) if code else FailoverReason.UNKNOWN
    return ModelError(f"{provider} response failed ({code or 'no code'}): {text}", reason=reason)


def parse_response(body: Any, *, provider: str = "openai") -> ModelResponse:
    """Parse a Responses API response body (a dict) into a :class:`ModelResponse`.

    Text comes from ``message`` items, parallel tool calls from
    ``function_call`` items, ``message.reasoning`` from ``reasoning`` item
    summaries.

    Raises:
        ModelResponseError: No ``output`` list.
        ModelError: The response has ``status: failed``.
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), list):
        raise ModelResponseError(
            f"{provider} returned a response without an output list: {str(body)[:200]!r}",
            reason=FailoverReason.MALFORMED_RESPONSE,
        )
    if body.get("status") == "failed":
        raise _failed(body, provider)
    texts: list[str] = []
    reasoning: list[str] = []
    calls: list[ToolCall] = []
    metadata: dict[str, Any] = {}
    for item in body["output"]:
        kind = item.get("type")
        if kind == "message":
            for part in item.get("content") or ():
                if part.get("type") == "output_text":
                    texts.append(part.get("text", ""))
                elif part.get("type") == "refusal":
                    texts.append(part.get("refusal", ""))
                    metadata["refusal"] = True
        elif kind == "function_call":
            calls.append(
                ToolCall.from_openai_format(
                    {
                        "id": item.get("call_id") or item.get("id"),
                        "function": {"name": item["name"], "arguments": item.get("arguments")},
                    }
                )
            )
        elif kind == "reasoning":
            if (kept := _kept_reasoning(item)) is not None:
                metadata.setdefault(REASONING_METADATA_KEY, []).append(kept)
            summary = [s.get("text", "") for s in item.get("summary") or ()]
            content = [c.get("text", "") for c in item.get("content") or ()]
            if any(summary) or any(content):
                reasoning.append("\n\n".join(t for t in summary + content if t))
    message = Message(
        role=Role.ASSISTANT,
        content="".join(texts) or None,
        tool_calls=calls,
        reasoning="\n\n".join(reasoning) or None,
        metadata=metadata,
    )
    raw = {"id": body["id"]} if body.get("id") else {}
    return ModelResponse(
        message=message,
        usage=responses_usage(body.get("usage")),
        stop_reason=responses_stop_reason(body, has_tool_calls=bool(calls)),
        model=body.get("model"),
        raw=raw,
    )


class ResponsesStreamAccumulator:
    """Turn Responses API stream events (dicts) into :class:`ModelChunkEvent` s.

    Tool calls are numbered 0, 1, ... in the order their ``function_call``
    items open; :meth:`final` gives the ``done=True`` chunk, whose ``metadata``
    carries the encrypted reasoning items under :data:`REASONING_METADATA_KEY`
    (as :func:`parse_response` does), so a turn assembled from the chunks
    sends them back next turn.
    """

    def __init__(self, *, provider: str = "openai") -> None:
        self.provider = provider
        self.response: dict[str, Any] = {}
        self.reasoning_items: list[dict[str, Any]] = []
        self._tool_index: dict[Any, int] = {}
        self._args_seen: set[int] = set()

    def _index_for(self, event: dict[str, Any]) -> int | None:
        key = event.get("output_index", event.get("item_id"))
        return self._tool_index.get(key)

    def feed(self, event: dict[str, Any]) -> list[ModelChunkEvent]:
        """Events for one stream event (possibly none).

        Raises:
            ModelError: An ``error`` or ``response.failed`` event.
        """
        kind = event.get("type", "")
        if kind == "response.output_text.delta":
            return [ModelChunkEvent(content=event["delta"])] if event.get("delta") else []
        if kind in ("response.reasoning_summary_text.delta", "response.reasoning_text.delta"):
            return [ModelChunkEvent(reasoning=event["delta"])] if event.get("delta") else []
        if kind == "response.output_item.added":
            item = event.get("item") or {}
            if item.get("type") != "function_call":
                return []
            index = len(self._tool_index)
            self._tool_index[event.get("output_index", item.get("id"))] = index
            args = item.get("arguments") or ""
            if args:
                self._args_seen.add(index)
            delta = ToolCallDelta(
                index=index,
                id=item.get("call_id") or item.get("id"),
                name=item.get("name"),
                arguments_delta=args,
            )
            return [ModelChunkEvent(tool_call_delta=delta)]
        if kind == "response.function_call_arguments.delta":
            found = self._index_for(event)
            if found is None or not event.get("delta"):
                return []
            self._args_seen.add(found)
            delta = ToolCallDelta(index=found, arguments_delta=event["delta"])
            return [ModelChunkEvent(tool_call_delta=delta)]
        if kind == "response.output_item.done":
            item = event.get("item") or {}
            if (kept := _kept_reasoning(item)) is not None:
                self.reasoning_items.append(kept)
                return []
            done = self._index_for(event)
            if (
                item.get("type") == "function_call"
                and done is not None
                and done not in self._args_seen
                and item.get("arguments")
            ):
                self._args_seen.add(done)
                delta = ToolCallDelta(index=done, arguments_delta=item["arguments"])
                return [ModelChunkEvent(tool_call_delta=delta)]
            return []
        if kind in ("response.completed", "response.incomplete"):
            self.response = event.get("response") or {}
            return []
        if kind == "response.failed":
            raise _failed(event.get("response") or {}, self.provider)
        if kind == "error":
            raise _failed({"error": event}, self.provider)
        return []

    def final(self) -> ModelChunkEvent:
        """The closing ``done=True`` chunk (usage, stop reason, encrypted reasoning items).

        The reasoning items come from ``response.output_item.done`` events, or
        from the completed response's ``output`` when the stream had none.
        """
        items = self.reasoning_items
        if not items:
            output = self.response.get("output") or []
            found = (_kept_reasoning(i) for i in output if isinstance(i, dict))
            items = [kept for kept in found if kept is not None]
        return ModelChunkEvent(
            done=True,
            usage=responses_usage(self.response.get("usage")) or None,
            stop_reason=responses_stop_reason(self.response, has_tool_calls=bool(self._tool_index)),
            metadata={REASONING_METADATA_KEY: items} if items else None,
        )
