"""Loading what to serve from ``module:attribute``; the ``uvicorn locus.server:run`` app."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

from starlette.types import Receive, Scope, Send

from locus.core.errors import ConfigError

__all__ = ["TARGET_ENV", "EnvApp", "load_target"]

TARGET_ENV = "LOCUS_SERVER_AGENT"


def load_target(spec: str) -> Any:
    """Import ``"package.module:attribute"`` (the current directory is importable).

    A callable attribute that is not an agent or graph (a factory function)
    is called with no arguments.

    Raises:
        locus.core.errors.ConfigError: the spec is malformed or does not import.
    """
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ConfigError(f"expected 'module:attribute' (e.g. 'app:agent'), got {spec!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"cannot import {module_name!r} for {spec!r}: {exc}") from exc
    target: Any = module
    for part in attribute.split("."):
        if not hasattr(target, part):
            raise ConfigError(f"{module_name!r} has no attribute {attribute!r}")
        target = getattr(target, part)
    servable = any(callable(getattr(target, m, None)) for m in ("invoke", "run", "astream"))
    if callable(target) and not servable:
        target = target()
    return target


class EnvApp:
    """An ASGI app serving ``$LOCUS_SERVER_AGENT`` (``module:attribute``), built on first use.

    ``LOCUS_SERVER_AGENT=app:agent uvicorn locus.server:run --workers 4``
    starts N workers serving the same agent; the API key comes from
    ``$LOCUS_SERVER_API_KEY``, CORS origins from the comma-separated
    ``$LOCUS_SERVER_CORS_ORIGINS`` and a shared stream mirror from
    ``$LOCUS_SERVER_STREAM_MIRROR`` (a Redis URL).
    """

    def __init__(self) -> None:
        self._app: Any = None

    def _build(self) -> Any:
        from locus.server.app import AgentServer

        spec = os.environ.get(TARGET_ENV)
        if not spec:
            raise ConfigError(
                f"set ${TARGET_ENV}=module:attribute to name the agent to serve "
                "(e.g. LOCUS_SERVER_AGENT=app:agent uvicorn locus.server:run)"
            )
        origins = [o for o in os.environ.get("LOCUS_SERVER_CORS_ORIGINS", "").split(",") if o]
        mirror = os.environ.get("LOCUS_SERVER_STREAM_MIRROR") or None
        return AgentServer(load_target(spec), cors_origins=origins, stream_mirror=mirror).app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._app is None:
            self._app = self._build()
        await self._app(scope, receive, send)
