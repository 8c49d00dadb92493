"""``locus.integrations.fastmcp``: the original's MCP names, served by locus-mcp (``locus.mcp``).

``from locus.integrations.fastmcp import MCPClient, create_mcp_server`` works
once locus-mcp is installed (docs/installing.md); without it the import raises
:class:`ImportError` naming ``locus-mcp``.
"""

from __future__ import annotations

from typing import Any

from locus.integrations._facade import public_names, resolve


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    value = resolve("fastmcp", name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return public_names("fastmcp")
