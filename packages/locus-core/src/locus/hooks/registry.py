"""The original locus's ``locus.hooks.registry`` path: ``HookRegistry``, ``create_registry``."""

from __future__ import annotations

from locus.hooks._base import HookProvider
from locus.hooks._registry import HookRegistry

__all__ = ["HookRegistry", "create_registry"]


def create_registry(*providers: HookProvider) -> HookRegistry:
    """A :class:`HookRegistry` holding ``providers``."""
    return HookRegistry(providers)
