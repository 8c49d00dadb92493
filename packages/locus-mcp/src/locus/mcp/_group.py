"""Several MCP servers behind one set of locus tools."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable, Mapping
from typing import Any

from locus.core.errors import ConfigError
from locus.mcp._client import MCPClient
from locus.mcp._connectable import Connectable
from locus.mcp._mcp_tool import MCPTool
from locus.mcp._transport import TransportName

__all__ = ["MCPClientGroup"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


class MCPClientGroup(Connectable):
    """Connect to several MCP servers at once and merge their tools.

    Give each client a ``prefix`` when their tool names may collide
    (``MCPClient("...", prefix="github")`` serves ``github_search``).

    Args:
        clients: The clients (connected together, closed together).
    """

    def __init__(self, clients: Iterable[MCPClient]) -> None:
        self.clients = list(clients)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], *, prefix: bool = True, **options: Any
    ) -> MCPClientGroup:
        """Clients from an ``mcpServers`` map, as desktop MCP clients write it.

        Each entry is ``{"command": ..., "args": [...], "env": {...}}`` (stdio)
        or ``{"url": ..., "headers": {...}}`` (HTTP; ``"type": "sse"`` for SSE).
        The entry's name becomes the client's ``name`` and, with ``prefix``,
        its tool-name prefix.

        Args:
            config: The map, or a document holding it under ``"mcpServers"``.
            prefix: Prefix each server's tools with its name.
            **options: More :class:`MCPClient` arguments for every client
                (``timeout=``, ``allow_private_url=``...).

        Raises:
            locus.core.errors.ConfigError: An entry has neither ``command`` nor ``url``.
        """
        servers = config.get("mcpServers", config)
        clients: list[MCPClient] = []
        for name, spec in servers.items():
            common: dict[str, Any] = {
                "name": name,
                "prefix": _UNSAFE.sub("_", name)[:32] if prefix else None,
                **options,
            }
            if "command" in spec:
                command = [spec["command"], *spec.get("args", [])]
                clients.append(
                    MCPClient(command, env=spec.get("env"), cwd=spec.get("cwd"), **common)
                )
            elif "url" in spec:
                transport: TransportName | None = "sse" if spec.get("type") == "sse" else None
                clients.append(
                    MCPClient(
                        base_url=spec["url"],
                        headers=spec.get("headers"),
                        transport=transport,
                        **common,
                    )
                )
            else:
                raise ConfigError(
                    f"MCP server {name!r} in the config needs 'command' (stdio) or 'url' (HTTP)."
                )
        return cls(clients)

    async def connect(self) -> None:
        """Connect every client concurrently; if one fails, the others are closed again.

        Raises:
            MCPConnectionError: A server could not be reached (the first failure).
        """
        results = await asyncio.gather(*(c.connect() for c in self.clients), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        if failures:
            await self.close()
            raise failures[0]

    async def close(self) -> None:
        """Close every client."""
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)

    def to_locus_tools(self) -> list[MCPTool]:
        """Every server's tools, in client order.

        Raises:
            locus.core.errors.ConfigError: Two servers offer the same tool name
                (the message names both and suggests a prefix).
        """
        tools: list[MCPTool] = []
        owner: dict[str, MCPClient] = {}
        for client in self.clients:
            for made in client.to_locus_tools():
                first = owner.get(made.name)
                if first is not None:
                    raise ConfigError(
                        f"Tool {made.name!r} is offered by both {first.name!r} and "
                        f"{client.name!r}; give the clients prefixes, e.g. "
                        "MCPClient(..., prefix='github')."
                    )
                owner[made.name] = client
                tools.append(made)
        return tools
