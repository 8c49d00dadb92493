"""Anthropic Messages API responses and stream events → locus responses and chunk events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from locus.anthropic._errors import malformed_response
from locus.anthropic._wire import THINKING_METADATA_KEY
from locus.core.events import ModelChunkEvent, ToolCallDelta
from locus.core.messages import Message, Role, ToolCall
from locus.models.response import ModelResponse

__all__ = [
    "AnthropicStreamAccumulator",
    "OutputSpec",
    "anthropic_usage",
    "normalize_stop_reason",
    "parse_message",
]

_STOP = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}


@dataclass(frozen=True)
class OutputSpec:
    """Which tool carries a structured answer (tool-forcing), and whether it is wrapped.

    Attributes:
        tool_name: The synthetic output tool's name.
        wrapped: The schema was not an object, so the answer sits under ``"value"``.
    """

    tool_name: str
    wrapped: bool = False

    def render(self, arguments: dict[str, Any]) -> str:
        """The structured answer as JSON text."""
        value = arguments.get("value") if self.wrapped else arguments
        return json.dumps(value)


def normalize_stop_reason(reason: str | None, *, has_tool_calls: bool = False) -> str | None:
    """Map Anthropic's ``stop_reason`` to ``stop``/``tool_calls``/``length``/``content_filter``.

    ``end_turn``/``stop_sequence`` → ``stop``, ``tool_use`` → ``tool_calls``,
    ``max_tokens``/``model_context_window_exceeded`` → ``length``, ``refusal`` →
    ``content_filter``; others (``pause_turn``) pass through.
    """
    if reason is None:
        return "tool_calls" if has_tool_calls else None
    return _STOP.get(reason, reason)


def _get(obj: Any, key: str) -> Any:
    if type(obj) is dict:
        return obj.get(key)
    return getattr(obj, key, None)


def anthropic_usage(usage: Any) -> dict[str, int]:
    """Anthropic usage (dict or SDK object) in the common ``TokenUsage`` shape.

    ``prompt_tokens`` counts every input token — uncached, read from and
    written to the cache — so it means the same as for other providers;
    ``cache_read_tokens`` / ``cache_write_tokens`` split out the cached part.
    """
    if usage is None:
        return {}
    read = int(_get(usage, "cache_read_input_tokens") or 0)
    write = int(_get(usage, "cache_creation_input_tokens") or 0)
    prompt = int(_get(usage, "input_tokens") or 0) + read + write
    completion = int(_get(usage, "output_tokens") or 0)
    out = {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }
    if read:
        out["cache_read_tokens"] = read
    if write:
        out["cache_write_tokens"] = write
    details = _get(usage, "output_tokens_details")
    thinking = _get(details, "thinking_tokens") if details is not None else None
    if thinking:
        out["reasoning_tokens"] = int(thinking)
    return out


def _thinking_block(block: dict[str, Any]) -> dict[str, Any]:
    if block.get("type") == "redacted_thinking":
        return {"type": "redacted_thinking", "data": block.get("data", "")}
    return {
        "type": "thinking",
        "thinking": block.get("thinking", ""),
        "signature": block.get("signature", ""),
    }


def parse_message(body: Any, *, output: OutputSpec | None = None) -> ModelResponse:
    """Parse a decoded Messages API response body.

    Text blocks join into ``message.content``; ``tool_use`` blocks become tool
    calls; thinking text goes to ``message.reasoning`` and the thinking blocks
    (with signatures) to ``message.metadata["anthropic_thinking"]`` so the next
    turn can send them back. With ``output``, the output tool's input becomes
    the message content (JSON) and the turn ends with ``stop``.

    Raises:
        locus.core.errors.ModelResponseError: The body is not a Messages API response.
    """
    if not isinstance(body, dict) or not isinstance(body.get("content"), list):
        raise malformed_response(f"expected a message with a 'content' list, got {body!r:.200}")
    texts: list[str] = []
    reasoning: list[str] = []
    thinking: list[dict[str, Any]] = []
    calls: list[ToolCall] = []
    structured: str | None = None
    for block in body["content"]:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            texts.append(block.get("text") or "")
        elif kind in ("thinking", "redacted_thinking"):
            thinking.append(_thinking_block(block))
            if block.get("thinking"):
                reasoning.append(block["thinking"])
        elif kind == "tool_use":
            args = block.get("input")
            if not isinstance(args, dict) or "name" not in block:
                raise malformed_response(f"tool_use block without name/input object: {block!r}")
            if output is not None and block["name"] == output.tool_name:
                structured = output.render(args)
                continue
            calls.append(  # the shared path applies the argument limits
                ToolCall.from_openai_format(
                    {"id": block.get("id") or None, "name": block["name"], "arguments": args}
                )
            )
    metadata: dict[str, Any] = {THINKING_METADATA_KEY: thinking} if thinking else {}
    content = structured if structured is not None else ("".join(texts) or None)
    message = Message(
        role=Role.ASSISTANT,
        content=content,
        tool_calls=calls,
        reasoning="\n\n".join(reasoning) or None,
        metadata=metadata,
    )
    stop = body.get("stop_reason")
    if structured is not None and not calls:
        stop = "end_turn"
    return ModelResponse(
        message=message,
        usage=anthropic_usage(body.get("usage")),
        stop_reason=normalize_stop_reason(stop, has_tool_calls=bool(calls)),
        model=body.get("model"),
        raw={"id": body.get("id")} if body.get("id") else {},
    )


class AnthropicStreamAccumulator:
    """Turns Messages API stream events (SDK objects or dicts) into chunk events.

    ``message_start`` / ``message_delta`` usage, ``text_delta``,
    ``thinking_delta``, ``input_json_delta`` (tool-call deltas, or content
    deltas for the structured-output tool) and ``signature_delta`` are read;
    :meth:`final` gives the closing ``done=True`` chunk, whose ``metadata``
    carries the completed thinking blocks (with signatures) under
    ``"anthropic_thinking"``. :attr:`thinking` holds those blocks and
    :attr:`tool_call_ids` the ids of the turn's tool calls.
    """

    def __init__(self, *, output: OutputSpec | None = None) -> None:
        self.output = output
        self.usage: dict[str, Any] = {}
        self.stop_reason: str | None = None
        self.thinking: list[dict[str, Any]] = []
        self.tool_call_ids: list[str] = []
        self.model: str | None = None
        self._blocks: dict[int, dict[str, Any]] = {}
        self._tool_index: dict[int, int] = {}
        self._structured: set[int] = set()
        self._structured_json: list[str] = []

    def _update_usage(self, usage: Any) -> None:
        if usage is None:
            return
        for key in (
            "input_tokens",
            "output_tokens",
            "cache_read_input_tokens",
            "cache_creation_input_tokens",
        ):
            value = _get(usage, key)
            if value is not None:
                self.usage[key] = value
        details = _get(usage, "output_tokens_details")
        if details is not None:
            self.usage["output_tokens_details"] = {
                "thinking_tokens": _get(details, "thinking_tokens")
            }

    def feed(self, event: Any) -> list[ModelChunkEvent]:
        """Chunk events for one stream event."""
        kind = _get(event, "type")
        if kind == "content_block_delta":
            delta = _get(event, "delta")
            if _get(delta, "type") == "text_delta":  # the hot path
                return [ModelChunkEvent(content=_get(delta, "text") or "")]
            return self._delta(int(_get(event, "index") or 0), delta)
        if kind == "content_block_start":
            return self._start(int(_get(event, "index") or 0), _get(event, "content_block"))
        if kind == "content_block_stop":
            block = self._blocks.pop(int(_get(event, "index") or 0), None)
            if block is not None and block["type"] in ("thinking", "redacted_thinking"):
                self.thinking.append(block)
            return []
        if kind == "message_start":
            message = _get(event, "message")
            self.model = _get(message, "model")
            self._update_usage(_get(message, "usage"))
        elif kind == "message_delta":
            self._update_usage(_get(event, "usage"))
            stop = _get(_get(event, "delta"), "stop_reason")
            if stop is not None:
                self.stop_reason = stop
        return []

    def _start(self, index: int, block: Any) -> list[ModelChunkEvent]:
        kind = _get(block, "type")
        if kind == "thinking":
            self._blocks[index] = {
                "type": "thinking",
                "thinking": _get(block, "thinking") or "",
                "signature": _get(block, "signature") or "",
            }
        elif kind == "redacted_thinking":
            self._blocks[index] = {"type": "redacted_thinking", "data": _get(block, "data") or ""}
        elif kind == "tool_use":
            name = _get(block, "name")
            if self.output is not None and name == self.output.tool_name:
                self._structured.add(index)
                return []
            position = len(self.tool_call_ids)
            self._tool_index[index] = position
            call_id = _get(block, "id") or ""
            self.tool_call_ids.append(call_id)
            delta = ToolCallDelta(index=position, id=call_id, name=name)
            return [ModelChunkEvent(tool_call_delta=delta)]
        elif kind == "text" and _get(block, "text"):
            return [ModelChunkEvent(content=_get(block, "text"))]
        return []

    def _delta(self, index: int, delta: Any) -> list[ModelChunkEvent]:
        kind = _get(delta, "type")
        if kind == "text_delta":
            return [ModelChunkEvent(content=_get(delta, "text") or "")]
        if kind == "thinking_delta":
            text = _get(delta, "thinking") or ""
            if index in self._blocks:
                self._blocks[index]["thinking"] += text
            return [ModelChunkEvent(reasoning=text)]
        if kind == "signature_delta":
            if index in self._blocks:
                self._blocks[index]["signature"] += _get(delta, "signature") or ""
            return []
        if kind == "input_json_delta":
            partial = _get(delta, "partial_json") or ""
            if index in self._structured:
                if self.output is not None and self.output.wrapped:
                    self._structured_json.append(partial)
                    return []
                return [ModelChunkEvent(content=partial)] if partial else []
            position = self._tool_index.get(index, 0)
            delta_event = ToolCallDelta(index=position, arguments_delta=partial)
            return [ModelChunkEvent(tool_call_delta=delta_event)]
        return []

    def final(self) -> ModelChunkEvent:
        """The closing chunk: ``done=True`` with usage and the normalised stop reason.

        Its ``metadata`` holds the turn's signed thinking blocks under
        ``"anthropic_thinking"`` (``None`` without thinking), the same key
        :func:`parse_message` uses, so the assembled message sends them back.
        For a wrapped (non-object) structured answer, the unwrapped JSON is the content.
        """
        content: str | None = None
        if self._structured_json and self.output is not None:
            try:
                content = self.output.render(json.loads("".join(self._structured_json)))
            except json.JSONDecodeError:
                content = "".join(self._structured_json)
        stop = self.stop_reason
        if self._structured and not self.tool_call_ids:
            stop = "end_turn"
        return ModelChunkEvent(
            content=content,
            done=True,
            usage=anthropic_usage(self.usage),
            stop_reason=normalize_stop_reason(stop, has_tool_calls=bool(self.tool_call_ids)),
            metadata={THINKING_METADATA_KEY: list(self.thinking)} if self.thinking else None,
        )
