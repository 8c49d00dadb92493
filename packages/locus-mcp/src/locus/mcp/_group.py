"""Several MCP servers behind one set of locus tools."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from locus.core.errors import ConfigError
from locus.mcp._client import MCPClient
from locus.mcp._connectable import Connectable
from locus.mcp._mcp_tool import MCPTool

__all__ = ["MCPClientGroup"]


class MCPClientGroup(Connectable):
    """Connect to several MCP servers at once and merge their tools.

    Give each client a ``prefix`` when their tool names may collide
    (``MCPClient("...", prefix="github")`` serves ``github_search``).

    Args:
        clients: The clients (connected together, closed together).
    """

    def __init__(self, clients: Iterable[MCPClient]) -> None:
        self.clients = list(clients)

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
