"""Build a provider distribution's model from the original locus's ``XConfig`` object."""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import BaseModel

from locus.core._install import install_hint

__all__ = ["provider_model"]


def provider_model(
    module: str,
    dist: str,
    class_name: str,
    config: BaseModel | None,
    renames: dict[str, str],
    **extra: Any,
) -> Any:
    """``module.class_name(**config)`` with the original's field names mapped by ``renames``.

    Raises:
        ImportError: ``dist`` is not installed; the message says what to install.
    """
    try:
        target = getattr(importlib.import_module(module), class_name)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise ImportError(
            f"{class_name} is provided by the {dist} distribution, which is not installed: "
            f"{install_hint(dist)}",
            name=module,
        ) from exc
    options: dict[str, Any] = {}
    if config is not None:
        for key, value in config.model_dump(exclude_defaults=True).items():
            if value is None:
                continue
            options[renames.get(key, key)] = value
    options.update(extra)
    return target(**options)
