"""Resolve ``locus.integrations.<name>.<attr>`` through the integration registry."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import Any

from locus.core.errors import PluginError, PluginNotFoundError

__all__ = ["public_names", "resolve", "serve"]


def _module(integration: str, attr: str) -> ModuleType:
    from locus.plugins import integration_registry

    try:
        module = integration_registry().get(integration).load()
    except PluginNotFoundError as exc:
        raise ImportError(str(exc), name=f"locus.integrations.{integration}") from exc
    if not isinstance(module, ModuleType):
        raise PluginError(
            f"integration {integration!r} must be registered as a module path "
            f"(e.g. 'locus.mcp'), got {module!r}"
        )
    return module


def public_names(integration: str) -> list[str]:
    """The names ``locus.integrations.<integration>`` serves (its module's ``__all__``)."""
    module = _module(integration, "__all__")
    names = getattr(module, "__all__", None)
    return sorted(names) if names is not None else sorted(n for n in vars(module) if n[:1] != "_")


def resolve(integration: str, attr: str) -> Any:
    """``attr`` of the module serving ``integration``.

    Raises:
        ImportError: No installed plugin serves ``integration`` (names the distribution).
        AttributeError: The module has no public ``attr``.
    """
    module = _module(integration, attr)
    if attr not in public_names(integration):
        raise AttributeError(
            f"module 'locus.integrations.{integration}' (served by {module.__name__}) "
            f"has no attribute {attr!r}"
        )
    return getattr(module, attr)


def serve(
    integration: str, module_name: str, names: Iterable[str], *, gaps: str = ""
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for a façade module serving ``names`` from ``integration``.

    The façade module ``module_name`` exposes only ``names`` (so ``hasattr``
    stays honest); each is resolved on first access and cached in the module.

    Args:
        integration: The registered integration name (``"oci"``).
        module_name: The façade module's ``__name__``.
        names: The original's names this module serves.
        gaps: Appended to the ``AttributeError`` of any other name (where the
            migration guide explains it).
    """
    served = frozenset(names)

    def __getattr__(name: str) -> Any:
        if name not in served:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}{gaps}")
        value = resolve(integration, name)
        setattr(sys.modules[module_name], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(served)

    return __getattr__, __dir__
