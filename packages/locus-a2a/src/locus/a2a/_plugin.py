"""locus-a2a's plugin: the ``locus a2a`` command (nothing heavy imported here)."""

from __future__ import annotations

import argparse

from locus.plugins import hookimpl
from locus.plugins._registry import CommandRegistrar


def configure_a2a(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus a2a``."""
    parser.add_argument("url", help="base URL of the remote A2A agent")
    parser.add_argument("prompt", nargs="?", help="message to send; omitted: print the card")
    parser.add_argument("--api-key-env", default="LOCUS_A2A_API_KEY", help="env var of the key")


def a2a_command(args: argparse.Namespace) -> int:
    """Print a remote agent's card, or send it a message and print the answer."""
    import asyncio
    import os

    from locus.a2a._client import A2AClient

    async def main() -> int:
        async with A2AClient(args.url, api_key=os.environ.get(args.api_key_env)) as client:
            if args.prompt is None:
                card = await client.get_agent_card()
                print(card.model_dump_json(indent=2, exclude_none=True, by_alias=True))
            else:
                print(await client.invoke(args.prompt))
        return 0

    return asyncio.run(main())


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus a2a URL [PROMPT]``."""
    register(
        "a2a",
        a2a_command,
        help="show a remote A2A agent's card or send it a message (locus-a2a)",
        configure=configure_a2a,
    )
