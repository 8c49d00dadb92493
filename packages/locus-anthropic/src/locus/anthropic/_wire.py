"""Locus messages and tool schemas → the Anthropic Messages API request, as plain dicts.

Nothing here imports the ``anthropic`` SDK.
"""

from __future__ import annotations

import re
from typing import Any

from locus.core.errors import ValidationError
from locus.core.messages import ContentPart, Message, Role
from locus.models.caching import CACHE_CONTROL_KEY

__all__ = [
    "CACHE_CONTROL",
    "THINKING_METADATA_KEY",
    "messages_to_anthropic",
    "output_tool",
    "response_format_schema",
    "tools_to_anthropic",
]

THINKING_METADATA_KEY = "anthropic_thinking"
"""``Message.metadata`` key holding an assistant turn's thinking blocks (with signatures)."""

CACHE_CONTROL: dict[str, str] = {"type": "ephemeral"}

_DATA_URL = re.compile(r"^data:(?P<media>[\w.+-]+/[\w.+-]+)?(?:;[^,]*)?;base64,(?P<data>.*)$", re.S)
_TOOL_NAME = re.compile(r"[^a-zA-Z0-9_-]")


def _image_block(part: ContentPart) -> dict[str, Any]:
    url = part.image_url or ""
    match = _DATA_URL.match(url)
    if match:
        media = part.media_type or match.group("media") or "image/png"
        return {
            "type": "image",
            "source": {"type": "base64", "media_type": media, "data": match.group("data")},
        }
    if url.startswith(("http://", "https://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    raise ValidationError(
        f"unsupported image URL {url[:40]!r}: Anthropic takes 'https://...' URLs or "
        "'data:<mime>;base64,...' data URLs"
    )


def _user_blocks(message: Message) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    for part in message.parts:
        if part.type == "image" and part.image_url:
            blocks.append(_image_block(part))
        elif part.text:
            blocks.append({"type": "text", "text": part.text})
    return blocks


def _assistant_blocks(
    message: Message, thinking: list[dict[str, Any]] | None
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [dict(b) for b in thinking or []]
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments}
        )
    return blocks


def _tool_result_block(message: Message) -> dict[str, Any]:
    if not message.tool_call_id:
        raise ValidationError(
            "a tool message needs the tool_call_id of the call it answers; "
            "build it with Message.tool(ToolResult(tool_call_id=..., ...))"
        )
    block: dict[str, Any] = {
        "type": "tool_result",
        "tool_use_id": message.tool_call_id,
        "content": message.content or "",
    }
    if message.metadata.get("is_error"):
        block["is_error"] = True
    return block


def messages_to_anthropic(
    messages: list[Message],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Convert locus messages to Anthropic ``(system_blocks, messages)``.

    System messages (wherever they appear) become top-level ``system`` text
    blocks, in order. User text and images become ``text``/``image`` blocks;
    an assistant turn becomes its thinking blocks (from
    ``metadata["anthropic_thinking"]``), text and ``tool_use`` blocks; tool results become
    ``tool_result`` blocks. Consecutive turns of the same role are merged, so
    the parallel results of one assistant turn travel in one user turn. A
    message marked by :func:`locus.models.caching.mark_cache_breakpoint` gives
    its last block that ``cache_control``.

    Raises:
        ValidationError: A tool message without ``tool_call_id``, or an unusable image URL.
    """
    system: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for message in messages:
        role = message.role
        cache_control = message.metadata.get(CACHE_CONTROL_KEY)
        if role is Role.SYSTEM:
            if message.content:
                system.append({"type": "text", "text": message.content})
                if cache_control:
                    system[-1]["cache_control"] = dict(cache_control)
            continue
        if role is Role.ASSISTANT:
            blocks = _assistant_blocks(message, message.metadata.get(THINKING_METADATA_KEY))
            api_role = "assistant"
        elif role is Role.TOOL:
            blocks = [_tool_result_block(message)]
            api_role = "user"
        else:
            blocks = _user_blocks(message)
            api_role = "user"
        if not blocks:
            continue
        if cache_control:  # locus.models.caching.mark_cache_breakpoint
            blocks[-1]["cache_control"] = dict(cache_control)
        if out and out[-1]["role"] == api_role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": api_role, "content": blocks})
    return system, out


def tools_to_anthropic(tools: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Normalise tool schemas to Anthropic ``tools`` (``name``, ``description``, ``input_schema``).

    Accepts the OpenAI shape (``{"type": "function", "function": {...}}``), a
    flat ``{"name", "description", "parameters"}`` dict, or an Anthropic tool
    (with ``input_schema``, or a server tool with a ``type``) as is.

    Raises:
        ValidationError: A schema has no name.
    """
    out: list[dict[str, Any]] = []
    for tool in tools or []:
        fn = tool["function"] if isinstance(tool.get("function"), dict) else tool
        if "input_schema" in fn or ("type" in fn and fn["type"] != "function" and "name" in fn):
            out.append(dict(fn))
            continue
        if "name" not in fn:
            raise ValidationError(
                "tool schema needs a 'name' (OpenAI format {'type': 'function', 'function': "
                f"{{'name', 'description', 'parameters'}}}}), got {tool!r}"
            )
        entry: dict[str, Any] = {"name": fn["name"]}
        if fn.get("description"):
            entry["description"] = fn["description"]
        entry["input_schema"] = fn.get("parameters") or {"type": "object", "properties": {}}
        out.append(entry)
    return out


def response_format_schema(value: Any) -> tuple[str, dict[str, Any]] | None:
    """``(name, JSON schema)`` from a ``response_format`` value, or ``None`` for plain text.

    Accepts OpenAI's ``{"type": "json_schema", "json_schema": {"name", "schema"}}``,
    ``{"type": "json_object"}`` (any object), ``{"type": "text"}``, or a pydantic
    model class.

    Raises:
        ValidationError: Any other value.
    """
    if value is None:
        return None
    schema_fn = getattr(value, "model_json_schema", None)
    if isinstance(value, type) and callable(schema_fn):
        return value.__name__, schema_fn()
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "text":
            return None
        if kind == "json_object":
            return "json_output", {"type": "object"}
        if kind == "json_schema":
            spec = value.get("json_schema") or {}
            schema = spec.get("schema")
            if isinstance(schema, dict):
                return str(spec.get("name") or "json_output"), schema
    raise ValidationError(
        "response_format must be {'type': 'json_schema', 'json_schema': {'name': ..., "
        "'schema': {...}}}, {'type': 'json_object'}, {'type': 'text'} or a pydantic model "
        f"class, got {value!r}"
    )


def output_tool(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The synthetic tool whose input is the structured answer (tool-forcing)."""
    tool_name = _TOOL_NAME.sub("_", name)[:64] or "json_output"
    if schema.get("type") != "object":
        schema = {
            "type": "object",
            "properties": {"value": schema},
            "required": ["value"],
        }
    return {
        "name": tool_name,
        "description": "Give your final answer by calling this tool; its input is the answer.",
        "input_schema": schema,
    }
