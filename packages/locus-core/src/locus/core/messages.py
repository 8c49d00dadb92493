"""The conversation wire format: messages, tool calls and tool results.

These are what the agent loop sends to model providers and receives back.
Providers convert to and from their own formats; OpenAI's chat format is the
lingua franca (:meth:`Message.to_openai_format` / :meth:`Message.from_openai_format`).
"""

from __future__ import annotations

import json
import uuid
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from locus.core._edits import note_edit
from locus.core.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_arguments,
    parse_arguments,
    rejected_marker,
)

__all__ = ["ContentPart", "Message", "Role", "ToolCall", "ToolResult"]


class Role(StrEnum):
    """Message role in conversation."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


def _new_call_id() -> str:
    return f"call_{uuid.uuid4().hex[:24]}"


class ContentPart(BaseModel):
    """One part of a multi-part user message: text or an image.

    Attributes:
        type: ``"text"`` or ``"image"``.
        text: The text, for a text part.
        image_url: An ``https://`` or ``data:`` URL, for an image part.
        media_type: The image MIME type when known (``image/png``...).
    """

    model_config = ConfigDict(defer_build=True, frozen=True)

    type: str = "text"
    text: str | None = None
    image_url: str | None = None
    media_type: str | None = None


class ToolCall(BaseModel):
    """A tool call requested by the model.

    Attributes:
        id: Provider-assigned call id, echoed back in the tool result.
        name: The tool's name.
        arguments: Decoded JSON arguments. When the model sent arguments that
            are not valid JSON, ``arguments`` is empty and ``raw_arguments``
            holds the text so the executor can report it back to the model.
        raw_arguments: The undecodable argument text, if any.
    """

    model_config = ConfigDict(defer_build=True)

    id: str = Field(default_factory=_new_call_id)
    name: str
    arguments: dict[str, Any] = Field(default_factory=dict)
    raw_arguments: str | None = None

    def to_openai_format(self) -> dict[str, Any]:
        """Convert to OpenAI API format."""
        args = self.raw_arguments if self.raw_arguments is not None else json.dumps(self.arguments)
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": args},
        }

    @classmethod
    def from_openai_format(cls, data: dict[str, Any], limits: Limits | None = None) -> ToolCall:
        """Build from an OpenAI ``tool_calls`` entry (or ``{"id", "name", "arguments"}``).

        Arguments that are not a JSON object, or break ``limits`` (nesting,
        size; :data:`~locus.core.limits.DEFAULT_LIMITS` by default), are not
        decoded: ``arguments`` is empty and ``raw_arguments`` keeps the text
        (or, past the limits, a short note) so the executor can tell the model.
        Never raises for the argument text, however deep it nests.
        """
        limits = limits or DEFAULT_LIMITS
        fn = data.get("function", data)
        call_id = data.get("id") or _new_call_id()
        raw = fn.get("arguments") or "{}"
        if isinstance(raw, dict):
            problem = check_arguments(raw, limits)
            if problem:
                return cls(id=call_id, name=fn["name"], raw_arguments=rejected_marker(problem))
            return cls(id=call_id, name=fn["name"], arguments=raw)
        if not isinstance(raw, str):
            raw = str(raw)
        decoded, problem = parse_arguments(raw, limits)
        if decoded is None:
            if not problem.startswith("not "):  # too deep / too large: do not keep the text
                raw = rejected_marker(problem)
            return cls(id=call_id, name=fn["name"], raw_arguments=raw)
        return cls(id=call_id, name=fn["name"], arguments=decoded)


class ToolResult(BaseModel):
    """Result from a tool execution.

    Attributes:
        tool_call_id: The id of the call this answers.
        name: The tool's name.
        content: What the model sees: the result rendered as text.
        error: The error text when the call failed; ``None`` on success.
        value: The tool's return value, before rendering (not sent to models).
        duration_ms: Wall-clock time of the body.
        cached: True when an idempotent tool returned its recorded result.
        in_doubt: True when a previous attempt recorded intent but no result.
        traceback: The formatted traceback when the tool's body raised (not
            sent to models; kept on ``ToolExecution``).
    """

    model_config = ConfigDict(defer_build=True)

    tool_call_id: str
    name: str
    content: str = ""
    error: str | None = None
    value: Any = Field(default=None, exclude=True)
    duration_ms: float = 0.0
    cached: bool = False
    in_doubt: bool = False
    traceback: str | None = Field(default=None, exclude=True)

    @property
    def success(self) -> bool:
        """Whether the tool execution succeeded."""
        return self.error is None and not self.in_doubt


class Message(BaseModel):
    """A message in the conversation.

    Assigning a field of a saved message (``m.content = "redacted"``) is seen
    by the next checkpoint save; changing a value inside a field
    (``m.metadata["k"] = v``, ``m.tool_calls.append(...)``) is not: replace
    the message, ``state.messages[i] = m.model_copy(update=...)``.

    Attributes:
        role: Who speaks.
        content: Text content; ``None`` for an assistant turn that only calls tools.
        parts: Extra multimodal parts of a user message (images).
        tool_calls: Calls the assistant asked for.
        tool_call_id: For a tool message, the call it answers.
        name: For a tool message, the tool's name.
        reasoning: Provider-exposed reasoning / thinking text of an assistant turn.
        metadata: Free-form annotations (provider ids, cache markers...).
    """

    model_config = ConfigDict(defer_build=True)

    role: Role
    content: str | None = None
    parts: list[ContentPart] = Field(default_factory=list)
    tool_calls: list[ToolCall] = Field(default_factory=list)
    tool_call_id: str | None = None
    name: str | None = None
    reasoning: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def __setattr__(self, name: str, value: Any) -> None:
        # a saved message edited in place must reach the next delta checkpoint
        super().__setattr__(name, value)
        note_edit(self)

    @classmethod
    def system(cls, content: str) -> Message:
        """Create a system message."""
        return cls(role=Role.SYSTEM, content=content)

    @classmethod
    def user(cls, content: str, *, images: list[str] | None = None) -> Message:
        """Create a user message, optionally with image URLs (``https:`` or ``data:``)."""
        parts = [ContentPart(type="image", image_url=url) for url in images or []]
        return cls(role=Role.USER, content=content, parts=parts)

    @classmethod
    def assistant(
        cls,
        content: str | None = None,
        tool_calls: list[ToolCall] | None = None,
    ) -> Message:
        """Create an assistant message."""
        return cls(role=Role.ASSISTANT, content=content, tool_calls=tool_calls or [])

    @classmethod
    def tool(cls, result: ToolResult) -> Message:
        """Create a tool result message."""
        return cls(
            role=Role.TOOL,
            content=result.content,
            tool_call_id=result.tool_call_id,
            name=result.name,
        )

    @property
    def text(self) -> str:
        """The text content, or an empty string."""
        return self.content or ""

    def to_openai_format(self) -> dict[str, Any]:
        """Convert to OpenAI API format."""
        msg: dict[str, Any] = {"role": self.role.value}
        if self.parts and self.role is Role.USER:
            content: list[dict[str, Any]] = []
            if self.content:
                content.append({"type": "text", "text": self.content})
            for part in self.parts:
                if part.type == "image" and part.image_url:
                    content.append({"type": "image_url", "image_url": {"url": part.image_url}})
                elif part.text:
                    content.append({"type": "text", "text": part.text})
            msg["content"] = content
        elif self.content is not None:
            msg["content"] = self.content
        if self.tool_calls:
            msg["tool_calls"] = [tc.to_openai_format() for tc in self.tool_calls]
        if self.tool_call_id:
            msg["tool_call_id"] = self.tool_call_id
        if self.name:
            msg["name"] = self.name
        return msg

    @classmethod
    def from_openai_format(cls, data: dict[str, Any]) -> Message:
        """Build a message from an OpenAI chat-format dict."""
        content = data.get("content")
        parts: list[ContentPart] = []
        if isinstance(content, list):
            texts = []
            for item in content:
                if item.get("type") == "text":
                    texts.append(item.get("text", ""))
                elif item.get("type") == "image_url":
                    url = item.get("image_url", {})
                    parts.append(
                        ContentPart(
                            type="image", image_url=url.get("url") if isinstance(url, dict) else url
                        )
                    )
            content = "".join(texts) or None
        return cls(
            role=Role(data["role"]),
            content=content,
            parts=parts,
            tool_calls=[ToolCall.from_openai_format(tc) for tc in data.get("tool_calls") or []],
            tool_call_id=data.get("tool_call_id"),
            name=data.get("name"),
        )
