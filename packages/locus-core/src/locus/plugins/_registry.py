"""Name → factory registries filled through the ``locus_register_*`` hooks."""

from __future__ import annotations

import argparse
import difflib
import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from locus.core._install import install_hint
from locus.core.errors import PluginError, PluginNotFoundError

__all__ = [
    "CommandRegistrar",
    "Entry",
    "Registrar",
    "Registry",
    "resolve_target",
]

T = TypeVar("T")


class Registrar(Protocol):
    """The ``register`` callback a ``locus_register_*`` hook receives."""

    def __call__(self, name: str, factory: Any, /, *, description: str = "") -> None: ...


class CommandRegistrar(Protocol):
    """The ``register`` callback of :meth:`locus_register_commands`."""

    def __call__(
        self,
        name: str,
        handler: Callable[[argparse.Namespace], int | None],
        /,
        *,
        help: str = "",
        configure: Callable[[argparse.ArgumentParser], None] | None = None,
    ) -> None: ...


def resolve_target(target: Any) -> Any:
    """Import a ``"module:attribute"`` string; return any other object unchanged."""
    if not isinstance(target, str):
        return target
    module_name, _, attr = target.partition(":")
    module = importlib.import_module(module_name)
    obj: Any = module
    for part in filter(None, attr.split(".")):
        obj = getattr(obj, part)
    return obj


@dataclass
class Entry(Generic[T]):
    """One registered name.

    Attributes:
        name: The key (model prefix, URL scheme, exported name, command).
        target: The factory (or command handler), or a ``"module:attribute"`` string.
        plugin: The plugin (distribution) that registered it.
        description: One line for ``locus plugins`` (a command's help).
        options: Extra keywords given to ``register`` (a command's ``configure``).
    """

    name: str
    target: Any
    plugin: str
    description: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    _loaded: Any = field(default=None, repr=False)

    def load(self) -> T:
        """The factory, imported on first use."""
        if self._loaded is None:
            try:
                self._loaded = resolve_target(self.target)
            except Exception as exc:
                raise PluginError(
                    f"plugin {self.plugin!r} registered {self.name!r} as {self.target!r}, "
                    f"which failed to import: {exc}",
                    cause=exc,
                ) from exc
        loaded: T = self._loaded
        return loaded


class Registry(Generic[T]):
    """Registered names of one kind (``model provider``, ``checkpointer scheme``...).

    Args:
        kind: What the names are, for messages (``"model provider"``).
        known: First-party names and the distribution that provides each, so a
            missing one names it and its checkout install command.
    """

    def __init__(self, kind: str, known: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.known = dict(known or {})
        self.entries: dict[str, Entry[T]] = {}
        self.conflicts: list[tuple[str, str, str]] = []

    def add(
        self, plugin: str, name: str, target: Any, description: str = "", **options: Any
    ) -> bool:
        """Register ``name`` for ``plugin``; False (and a recorded conflict) if it is taken.

        Raises:
            PluginError: ``name`` is not a non-empty string.
        """
        if not isinstance(name, str) or not name:
            raise PluginError(f"plugin {plugin!r} registered an empty {self.kind} name")
        if name in self.entries:
            self.conflicts.append((name, self.entries[name].plugin, plugin))
            return False
        self.entries[name] = Entry(name, target, plugin, description, options)
        return True

    def names(self) -> list[str]:
        """Registered names, sorted."""
        return sorted(self.entries)

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __getitem__(self, name: str) -> Entry[T]:
        return self.get(name)

    def get(self, name: str) -> Entry[T]:
        """The entry for ``name``.

        Raises:
            PluginNotFoundError: Naming the distribution to install when a
                first-party one provides ``name``, else suggesting the closest name.
        """
        try:
            return self.entries[name]
        except KeyError:
            raise self.not_found(name) from None

    def not_found(self, name: str) -> PluginNotFoundError:
        """The error for an unregistered ``name``."""
        available = ", ".join(self.names()) or "none"
        if name in self.known:
            dist = self.known[name]
            return PluginNotFoundError(
                f"{self.kind} {name!r} is provided by the {dist} distribution, which is "
                f"not installed (or was not loaded): {install_hint(dist)}"
                f" — available {self.kind}s: {available}"
            )
        close = difflib.get_close_matches(name, [*self.entries, *self.known], n=1, cutoff=0.6)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return PluginNotFoundError(
            f"unknown {self.kind} {name!r}.{hint} Available {self.kind}s: {available}"
        )
