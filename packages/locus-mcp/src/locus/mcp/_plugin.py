"""locus-mcp's plugin: the ``locus mcp`` command and the ``locus.integrations.fastmcp`` names."""

from __future__ import annotations

from locus.plugins import hookimpl
from locus.plugins._registry import CommandRegistrar, Registrar


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus mcp serve module:agent``."""
    from locus.mcp._cli import configure, handle

    register("mcp", handle, help="serve a locus agent or tools over MCP", configure=configure)


@hookimpl
def locus_register_integrations(register: Registrar) -> None:
    """``locus.integrations.fastmcp`` (the original locus's module) serves ``locus.mcp``."""
    register("fastmcp", "locus.mcp", description="MCP client and server (locus-mcp)")
