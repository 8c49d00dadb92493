"""Helpers of the original's backend adapters: plugin classes by name, table prefixes."""

from __future__ import annotations

from typing import Any

__all__ = ["plugin_class", "table_prefix"]


def table_prefix(table_name: str) -> str:
    """The checkpointer table prefix an original ``table_name`` stands for
    (``"locus_checkpoints"`` → ``"locus_"``, ``"runs"`` → ``"runs_"``)."""
    if table_name.endswith("checkpoints"):
        return table_name[: -len("checkpoints")]
    return f"{table_name}_"


def plugin_class(name: str) -> Any:
    """The checkpointer class a plugin registered as ``name`` in ``locus.memory.backends``.

    Raises:
        ImportError: The distribution providing ``name`` is not installed (names it).
    """
    from locus.core.errors import PluginNotFoundError
    from locus.plugins import backend_registry

    try:
        return backend_registry().get(name).load()
    except PluginNotFoundError as exc:
        raise ImportError(str(exc), name=name) from exc
