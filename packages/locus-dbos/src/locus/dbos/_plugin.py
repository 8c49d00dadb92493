"""locus-dbos's plugin: the ``locus worker`` command (nothing heavy imported here)."""

from __future__ import annotations

import argparse

from locus.plugins import hookimpl
from locus.plugins._registry import CommandRegistrar


def configure_worker(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``locus worker``."""
    parser.add_argument("targets", nargs="+", help="module:agent (Agent, DBOSAgent or workflow)")
    parser.add_argument("--queue", default="locus", help="queue to run (default: locus)")
    parser.add_argument("--concurrency", type=int, default=None, help="runs at once here")
    parser.add_argument("--global-concurrency", type=int, default=None, help="across workers")
    parser.add_argument(
        "--rate-limit", default=None, help="LIMIT/SECONDS: at most LIMIT starts per window"
    )
    parser.add_argument("--poll", type=float, default=1.0, help="seconds between queue polls")
    parser.add_argument("--database-url", default=None, help="default $DBOS_SYSTEM_DATABASE_URL")
    parser.add_argument("--executor-id", default=None, help="stable id of this worker slot")
    parser.add_argument("--app-version", default=None, help="same on every worker")


def worker_command(args: argparse.Namespace) -> int:
    """Run a worker until SIGTERM/SIGINT."""
    import asyncio

    from locus.core.errors import ConfigError
    from locus.dbos import run_worker

    rate = None
    if args.rate_limit:
        limit, _, seconds = args.rate_limit.partition("/")
        try:
            rate = (int(limit), float(seconds))
        except ValueError:
            raise ConfigError(
                f"--rate-limit takes LIMIT/SECONDS (e.g. 50/60), got {args.rate_limit!r}"
            ) from None
    asyncio.run(
        run_worker(
            args.targets,
            queue=args.queue,
            worker_concurrency=args.concurrency,
            global_concurrency=args.global_concurrency,
            rate_limit=rate,
            polling_interval=args.poll,
            system_database_url=args.database_url,
            executor_id=args.executor_id,
            application_version=args.app_version,
        )
    )
    return 0


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus worker module:agent ...``."""
    register(
        "worker",
        worker_command,
        help="run queued agent runs as DBOS workflows (locus-dbos)",
        configure=configure_worker,
    )
