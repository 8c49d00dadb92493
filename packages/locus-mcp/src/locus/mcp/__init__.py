"""MCP both ways: MCP servers' tools in locus agents, locus tools and agents as MCP servers.

```python no-run
from locus import Agent
from locus.mcp import MCPClient, create_mcp_server

async with MCPClient("python my_server.py") as client:
    agent = Agent(model="openai:gpt-4.1", tools=client.to_locus_tools())
    print((await agent.invoke("What is 2 + 3?")).message)

create_mcp_server(agent).run()           # serve the agent over stdio
```

See ``docs/mcp.md``.
"""

from __future__ import annotations

from locus.mcp._client import MCPClient
from locus.mcp._errors import (
    MCPConnectionError,
    MCPResultError,
    MCPTimeoutError,
    MCPToolError,
    MCPURLNotAllowedError,
)
from locus.mcp._group import MCPClientGroup
from locus.mcp._mcp_tool import MCPTool
from locus.mcp._schema_tool import SchemaTool, mcp_tool_to_locus
from locus.mcp._server import LocusMCPServer, create_mcp_server
from locus.mcp._urls import check_url, is_private_address
from locus.mcp._wire import locus_tool_to_mcp

__all__ = [
    "LocusMCPServer",
    "MCPClient",
    "MCPClientGroup",
    "MCPConnectionError",
    "MCPResultError",
    "MCPTimeoutError",
    "MCPTool",
    "MCPToolError",
    "MCPURLNotAllowedError",
    "SchemaTool",
    "check_url",
    "create_mcp_server",
    "is_private_address",
    "locus_tool_to_mcp",
    "mcp_tool_to_locus",
]
