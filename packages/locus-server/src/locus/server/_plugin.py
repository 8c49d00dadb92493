"""locus-server's plugin: the ``locus serve`` command (nothing heavy imported here)."""

from __future__ import annotations

import argparse

from locus.plugins import hookimpl
from locus.plugins._registry import CommandRegistrar


def configure_serve(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus serve``."""
    parser.add_argument("target", help="what to serve, as module:attribute (e.g. app:agent)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        help="browser origin allowed to call the API (repeatable)",
    )
    parser.add_argument(
        "--stream-mirror",
        default=None,
        help="Redis URL shared by all server processes: streams resumable through any of them",
    )
    parser.add_argument(
        "--observe", action="store_true", help="publish every request's events on the EventBus"
    )
    parser.add_argument(
        "--allow-unauthenticated",
        action="store_true",
        help="serve without an API key (local development only)",
    )


def serve(args: argparse.Namespace) -> int:
    """Serve ``args.target`` with uvicorn; the key comes from $LOCUS_SERVER_API_KEY."""
    import sys

    from locus.core.errors import ConfigError
    from locus.server._entry import load_target
    from locus.server.app import AgentServer

    try:
        server = AgentServer(
            load_target(args.target),
            cors_origins=args.cors_origin,
            allow_unauthenticated=args.allow_unauthenticated,
            stream_mirror=args.stream_mirror,
            observe=args.observe,
        )
    except ConfigError as exc:
        print(f"locus serve: {exc}", file=sys.stderr)
        return 2
    server.run(host=args.host, port=args.port)
    return 0


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus serve module:agent``."""
    register(
        "serve",
        serve,
        help="serve an agent, graph or runnable over HTTP (locus-server)",
        configure=configure_serve,
    )
