"""``locus mcp serve module:attr``: run an agent, a tool or a list of tools as an MCP server."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from locus.plugins import resolve_target

__all__ = ["configure", "handle", "load_target"]


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus mcp``."""
    sub = parser.add_subparsers(dest="mcp_command", metavar="COMMAND")
    serve = sub.add_parser("serve", help="serve an agent (or tools) as an MCP server")
    serve.add_argument("target", help="module:attribute of an Agent, a tool or a list of tools")
    serve.add_argument(
        "--transport",
        choices=["stdio", "streamable-http"],
        default="stdio",
        help="stdio (default) or streamable-http",
    )
    serve.add_argument("--host", default="127.0.0.1", help="HTTP host (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="HTTP port (default 8000)")
    serve.add_argument("--path", default="/mcp", help="HTTP endpoint path (default /mcp)")
    serve.add_argument("--name", default=None, help="server name (default: the agent's name)")
    serve.add_argument(
        "--include-agent-tools", action="store_true", help="also serve the agent's own tools"
    )
    serve.add_argument(
        "--token-env",
        default=None,
        metavar="VAR",
        help="over HTTP, require 'Authorization: Bearer $VAR'",
    )


def load_target(spec: str) -> Any:
    """Import ``module:attribute`` (the current directory is importable, as with uvicorn)."""
    if ":" not in spec:
        raise SystemExit(f"locus mcp serve: expected module:attribute, got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return resolve_target(spec)
    except (ImportError, AttributeError) as exc:
        raise SystemExit(f"locus mcp serve: cannot load {spec!r}: {exc}") from exc


def handle(args: argparse.Namespace) -> int:
    """Run ``locus mcp <command>``."""
    if getattr(args, "mcp_command", None) != "serve":
        usage = "usage: locus mcp serve module:attribute [--transport stdio|streamable-http]"
        print(usage, file=sys.stderr)
        return 2
    from locus.mcp._server import create_mcp_server

    target = load_target(args.target)
    token = None
    if args.token_env:
        token = os.environ.get(args.token_env)
        if not token:
            print(f"locus mcp serve: ${args.token_env} is empty or unset", file=sys.stderr)
            return 2
    name = args.name or getattr(target, "name", None) or "locus-agent"
    server = create_mcp_server(
        target,
        name=name,
        include_agent_tools=args.include_agent_tools,
        access_token=token,
    )
    server.run(args.transport, host=args.host, port=args.port, path=args.path)
    return 0
