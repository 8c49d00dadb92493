"""locus-core's own plugin: offline models, core checkpointers, core CLI commands.

Registered through the same hooks as any third-party plugin.
"""

from __future__ import annotations

import argparse

from locus.plugins._hookspecs import hookimpl
from locus.plugins._registry import CommandRegistrar, Registrar


@hookimpl
def locus_register_models(register: Registrar) -> None:
    """Offline models: ``test`` (TestModel) and ``scripted`` (ScriptedModel with no script)."""
    register("test", "locus.models.offline:test_model_factory", description="offline TestModel")


@hookimpl
def locus_register_checkpointers(register: Registrar) -> None:
    """``memory://``, ``file:///dir`` and ``sqlite:///path`` checkpointers."""
    register("memory", "locus.checkpoint.memory:from_url", description="in-process memory")
    register("file", "locus.checkpoint.file:from_url", description="one JSON file per checkpoint")
    register("sqlite", "locus.checkpoint.sqlite:from_url", description="stdlib sqlite3, WAL")


@hookimpl
def locus_register_backends(register: Registrar) -> None:
    """Core checkpointer classes under ``locus.memory.backends``."""
    register("MemoryCheckpointer", "locus.checkpoint.memory:MemoryCheckpointer")
    register("FileCheckpointer", "locus.checkpoint.file:FileCheckpointer")
    register("SQLiteCheckpointer", "locus.checkpoint.sqlite:SQLiteCheckpointer")


@hookimpl
def locus_register_stores(register: Registrar) -> None:
    """``memory://``: the in-process :class:`~locus.memory.InMemoryStore`."""
    register("memory", "locus.memory.registry:memory_store", description="in-process memory")


@hookimpl
def locus_register_commands(register: CommandRegistrar) -> None:
    """``locus plugins``, ``locus version``, ``locus demo`` and ``locus eval``."""
    from locus.cli import _commands

    register(
        "plugins",
        _commands.plugins,
        help="list installed plugins",
        configure=_commands.configure_plugins,
    )
    register("version", _commands.version, help="print locus versions")
    register(
        "demo",
        _commands.demo,
        help="run the offline on-call demo",
        configure=_commands.configure_demo,
    )
    register(
        "eval",
        _eval_main,
        help="run an evaluation case file (YAML) against an agent",
        configure=_eval_configure,
    )


def _eval_main(args: argparse.Namespace) -> int:
    from locus.evaluation._cli import main

    return main(args)


def _eval_configure(parser: argparse.ArgumentParser) -> None:
    from locus.evaluation._cli import configure

    configure(parser)
