"""Between MCP wire objects and locus: tool definitions and call results."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

import mcp.types as mt

from locus.core.protocols import ToolProtocol
from locus.mcp._errors import MCPToolError
from locus.tools import Tool

__all__ = ["error_result", "locus_tool_to_mcp", "result_text", "result_value", "to_call_result"]


def locus_tool_to_mcp(locus_tool: ToolProtocol) -> dict[str, Any]:
    """The MCP ``Tool`` definition (wire format, camelCase) of a locus tool.

    Carries the name, description and argument JSON schema; a tool declared
    ``@tool(idempotent=True)`` gets ``annotations.idempotentHint = true``.
    """
    definition: dict[str, Any] = {
        "name": locus_tool.name,
        "description": locus_tool.description,
        "inputSchema": dict(locus_tool.parameters or {"type": "object", "properties": {}}),
    }
    if isinstance(locus_tool, Tool) and locus_tool.idempotent:
        definition["annotations"] = {"idempotentHint": True}
    return definition


def _block_text(block: mt.ContentBlock) -> str:
    if isinstance(block, mt.TextContent):
        return block.text
    if isinstance(block, mt.ImageContent | mt.AudioContent):
        kind = "image" if isinstance(block, mt.ImageContent) else "audio"
        try:
            size = len(base64.b64decode(block.data, validate=True))
        except (binascii.Error, ValueError):
            size = len(block.data)
        return f"[{kind}: {block.mime_type}, {size} bytes]"
    if isinstance(block, mt.EmbeddedResource):
        resource = block.resource
        if isinstance(resource, mt.TextResourceContents):
            return resource.text
        return f"[resource {resource.uri}: {resource.mime_type or 'binary'}]"
    if isinstance(block, mt.ResourceLink):
        return f"[resource link {block.uri}]"
    return f"[{getattr(block, 'type', 'unknown')} content]"


def result_text(result: mt.CallToolResult) -> str:
    """The text of a call result's content blocks, one per line."""
    return "\n".join(_block_text(block) for block in result.content)


def result_value(server: str, tool_name: str, result: mt.CallToolResult) -> Any:
    """What a locus tool returns for an MCP call result.

    Structured content when the server sent it (the model sees its JSON),
    else the text of the content blocks (images and binary resources become
    a short placeholder).

    Raises:
        MCPToolError: The server marked the result ``isError``.
    """
    if result.is_error:
        text = result_text(result) or "(no error text)"
        raise MCPToolError(
            f"MCP server {server!r} reported an error from tool {tool_name!r}: {text}"
        )
    if result.structured_content is not None:
        return result.structured_content
    return result_text(result)


def to_call_result(value: Any, rendered: str) -> mt.CallToolResult:
    """An MCP call result for a locus tool's value (``rendered``: the text the model sees)."""
    structured: Any = None
    if isinstance(value, dict):
        try:
            structured = json.loads(rendered)
        except ValueError:
            structured = None
    return mt.CallToolResult(
        content=[mt.TextContent(type="text", text=rendered)],
        structured_content=structured if isinstance(structured, dict) else None,
    )


def error_result(message: str) -> mt.CallToolResult:
    """An ``isError`` call result the calling model can read and correct."""
    return mt.CallToolResult(content=[mt.TextContent(type="text", text=message)], is_error=True)
