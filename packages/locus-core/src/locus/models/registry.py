"""The original locus's ``locus.models.registry``: model strings to model objects.

A thin face over the plugin model registry (``locus.plugins.model_registry``):
``register_provider("mine", factory)`` makes ``get_model("mine:name")`` call
``factory("name", **options)``, exactly as a ``locus_register_models`` plugin would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from locus.core.errors import ValidationError
from locus.models import get_model

__all__ = ["get_model", "list_providers", "register_provider"]


def list_providers() -> list[str]:
    """Registered provider prefixes (``"test"``, ``"openai"``...), sorted."""
    from locus.plugins import model_registry

    return model_registry().names()


def register_provider(prefix: str, factory: Callable[..., Any]) -> None:
    """Make ``get_model(f"{prefix}:name", **options)`` call ``factory("name", **options)``.

    Raises:
        locus.core.errors.ValidationError: ``prefix`` is empty, or already registered.
    """
    from locus.plugins import model_registry

    if not isinstance(prefix, str) or not prefix or not callable(factory):
        raise ValidationError("register_provider needs a non-empty prefix and a callable factory")
    if not model_registry().add("user", prefix.lower(), factory):
        raise ValidationError(
            f"model provider {prefix!r} is already registered; pick another prefix"
        )
