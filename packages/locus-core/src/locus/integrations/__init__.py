"""The original locus's ``locus.integrations`` names, served by plugin distributions.

``from locus.integrations.fastmcp import MCPClient`` (and ``LocusMCPServer``,
``create_mcp_server``, ``mcp_tool_to_locus`` straight from
``locus.integrations``) resolve through the ``locus_register_integrations``
hook: locus-mcp registers ``fastmcp`` → ``locus.mcp``. Without the plugin the
import raises :class:`ImportError` naming the distribution to install.
"""

from __future__ import annotations

from typing import Any

from locus.integrations._facade import resolve

# names the original re-exported at this level, and the integration serving each
_REEXPORTS = {
    "LocusMCPServer": "fastmcp",
    "create_mcp_server": "fastmcp",
    "mcp_tool_to_locus": "fastmcp",
}


def __getattr__(name: str) -> Any:
    integration = _REEXPORTS.get(name)
    if integration is None:
        raise AttributeError(f"module 'locus.integrations' has no attribute {name!r}")
    value = resolve(integration, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(_REEXPORTS)
