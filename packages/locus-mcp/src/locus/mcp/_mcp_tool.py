"""MCPTool: a locus tool that calls one tool of an MCP server."""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from typing import Any, Protocol

import mcp.types as mt
from mcp.shared.dispatcher import ProgressFnT

from locus.mcp._schema_tool import SchemaTool
from locus.mcp._wire import result_value
from locus.tools import ToolContext

__all__ = ["MCPTool", "ToolCaller"]


class ToolCaller(Protocol):
    """What an :class:`MCPTool` calls through (an :class:`~locus.mcp.MCPClient`)."""

    @property
    def name(self) -> str:
        """The server's name, for messages."""
        ...

    async def call_tool(
        self,
        name: str,
        arguments: Mapping[str, Any] | None = None,
        *,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK enforces it
        progress: ProgressFnT | None = None,
    ) -> mt.CallToolResult:
        """Call the server's tool ``name``."""
        ...


def _progress_into(context: ToolContext) -> ProgressFnT:
    """Forward the server's progress notifications as ``agent.tool.progress`` events.

    The SDK runs the callback in the session's own task, outside the agent
    run's context variables, so the call's context is captured here.
    """
    run_vars = contextvars.copy_context()

    async def forward(progress: float, total: float | None, message: str | None) -> None:
        fraction = progress / total if total else None
        text = message or (f"{progress:g}/{total:g}" if total else f"{progress:g}")
        run_vars.run(context.progress, text, fraction)

    return forward


class MCPTool(SchemaTool):
    """A locus tool that calls a tool of an MCP server (made by :meth:`MCPClient.to_locus_tools`).

    Arguments are validated against the server's JSON schema first. During an
    agent run, the server's progress notifications for the call become
    ``agent.tool.progress`` events (``ToolContext.progress``).

    Attributes:
        caller: The client it calls through.
        remote_name: The tool's name on the server (``name`` may carry a prefix).
        annotations: The server's hints (``idempotent_hint``, ``read_only_hint``...);
            hints from a server you do not trust are only hints, so they do not
            change how locus runs the tool.
    """

    def __init__(self, caller: ToolCaller, remote: mt.Tool, *, name: str | None = None) -> None:
        async def call_remote(**arguments: Any) -> Any:
            return await self._call(arguments, None)

        super().__init__(
            name or remote.name,
            remote.description or remote.title or remote.name,
            call_remote,
            remote.input_schema,
        )
        self.caller = caller
        self.remote_name = remote.name
        self.annotations = remote.annotations

    async def call_validated(
        self, kwargs: dict[str, Any], context: ToolContext | None = None
    ) -> Any:
        """Call the server with already-validated arguments."""
        return await self._call(kwargs, context)

    async def _call(self, arguments: dict[str, Any], context: ToolContext | None) -> Any:
        progress = _progress_into(context) if context is not None else None
        result = await self.caller.call_tool(self.remote_name, arguments, progress=progress)
        return result_value(self.caller.name, self.remote_name, result)
