"""Typed errors of locus-mcp; each carries a stable ``kind`` and says what to do next."""

from __future__ import annotations

from locus.core.errors import ConfigError, ToolExecutionError, ToolTimeoutError

__all__ = [
    "MCPConnectionError",
    "MCPResultError",
    "MCPTimeoutError",
    "MCPToolError",
    "MCPURLNotAllowedError",
]


class MCPConnectionError(ToolExecutionError):
    """The MCP server could not be reached, or the connection died during a call.

    The client drops the broken connection and opens a new one on the next call.
    """

    kind = "mcp_connection"


class MCPTimeoutError(ToolTimeoutError):
    """An MCP request got no answer within the client's timeout (the request is cancelled)."""

    kind = "mcp_timeout"


class MCPToolError(ToolExecutionError):
    """The MCP server answered a tool call with ``isError`` (the tool itself failed)."""

    kind = "mcp_tool_error"


class MCPResultError(ToolExecutionError):
    """The MCP server answered with a result that is not valid MCP (a broken server)."""

    kind = "mcp_malformed_result"


class MCPURLNotAllowedError(ConfigError):
    """An MCP server URL was refused by the allow-list (scheme, host or private address)."""

    kind = "mcp_url_not_allowed"
