""":class:`AgentServer`: an agent, graph or runnable as a FastAPI application."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, RedirectResponse

from locus.core.errors import ConfigError
from locus.server._auth import ApiKeyAuth, Authenticator
from locus.server._core import ServerCore
from locus.server._errors import BodyLimitMiddleware, install_error_handlers
from locus.server._observe import ObserveMiddleware
from locus.server._routes import build_router, declare_bearer_auth
from locus.server._routes_history import build_history_router
from locus.server._runs import RunRegistry
from locus.server._schemas import InvokeRequest, InvokeResponse
from locus.server._served import as_served

__all__ = ["AgentServer", "InvokeRequest", "InvokeResponse"]

API_KEY_ENV = "LOCUS_SERVER_API_KEY"
SECRET_ENV = "LOCUS_SERVER_SECRET"


def _version() -> str:
    try:
        return version("locus-server")
    except PackageNotFoundError:  # pragma: no cover - source checkout without metadata
        return "0"


class AgentServer:
    """Serve an Agent, a compiled graph or any runnable over HTTP.

    Routes: ``POST /invoke`` (the full result as JSON), ``POST /stream``
    (Server-Sent Events of every typed event, resumable with
    ``Last-Event-ID``), ``GET /threads``, ``GET``/``DELETE /threads/{id}``,
    ``POST /threads/{id}/resume`` (answer a paused call with its approval
    token), ``GET /streams/{run}`` and ``GET /health``; OpenAPI at
    ``/openapi.json``.

    Threads belong to the user id of the caller (from the API key or the
    ``authenticator``); no other user can read, continue or delete them. An
    Agent without a checkpointer gets an in-memory one, so threads live as
    long as the process; give the agent a PostgreSQL or Redis checkpointer to
    keep them across restarts and share them between server processes.

    Args:
        agent: An :class:`~locus.agent.Agent`, a compiled graph, a
            :class:`~locus.server.GraphRunnable`, or an object with
            ``invoke(prompt)`` or an async-generator ``run(prompt, thread_id=...)``.
        title: OpenAPI title.
        description: OpenAPI description.
        api_key: One bearer key, or ``{key: user_id}`` for several users;
            default ``$LOCUS_SERVER_API_KEY``.
        allow_unauthenticated: Serve without any credentials (every caller is
            the user ``"anonymous"``); only for local development.
        authenticator: ``authenticator(request) -> user id | None`` replacing
            API keys (OIDC, mTLS headers...); may be async; raise
            :class:`~locus.server.Forbidden` for 403.
        cors_origins: Origins allowed to call the API from a browser.
        max_body_bytes: Largest request body accepted (413 above).
        max_prompt_chars: Longest prompt accepted (413 above).
        approval_secret: Key of the approval tokens; default
            ``$LOCUS_SERVER_SECRET``, else derived from the API keys. Set it
            when several server processes use an authenticator.
        stream_retention: Seconds a finished stream stays replayable.
        stream_mirror: A Redis URL (or a ``RedisStreamMirror``): every stream
            is copied there so any server process sharing it can replay and
            follow it (``Last-Event-ID`` through any instance).
        observe: Run every request in a ``run_context()`` so the server's
            and the agent's events reach the EventBus (subscribers, telemetry);
            the response names the run in ``X-Locus-Run-Id``.
        playground: Serve the browser playground at ``/playground`` (it
            holds no secret: the user types the API key into the page).

    Raises:
        locus.core.errors.ConfigError: no credentials are configured and
            ``allow_unauthenticated`` is false, or the agent cannot be served.
    """

    def __init__(
        self,
        agent: Any,
        title: str = "Locus Agent Server",
        description: str = "HTTP API for a Locus AI Agent",
        api_key: str | Mapping[str, str] | None = None,
        allow_unauthenticated: bool = False,
        *,
        authenticator: Authenticator | None = None,
        cors_origins: Sequence[str] | None = None,
        max_body_bytes: int = 1_048_576,
        max_prompt_chars: int = 100_000,
        approval_secret: str | bytes | None = None,
        stream_retention: float = 120.0,
        playground: bool = True,
        observe: bool = False,
        stream_mirror: str | Any = None,
    ) -> None:
        self.served = as_served(agent)
        self.agent = self.served.target
        self.served.give_memory_store()
        if api_key is None and authenticator is None:
            api_key = os.environ.get(API_KEY_ENV) or None
        keys = ApiKeyAuth(api_key) if api_key is not None else None
        if authenticator is None and keys is None and not allow_unauthenticated:
            raise ConfigError(
                "AgentServer has no credentials: pass api_key=..., set "
                f"${API_KEY_ENV}, pass authenticator=..., or allow_unauthenticated=True "
                "for local development."
            )
        if max_body_bytes < 1 or max_prompt_chars < 1:
            raise ConfigError("max_body_bytes and max_prompt_chars must be >= 1")
        self.title = title
        self.description = description
        self.cors_origins = list(cors_origins or ())
        self.max_body_bytes = max_body_bytes
        self.playground = playground
        self.observe = observe
        self._core = ServerCore(
            served=self.served,
            authenticator=authenticator or keys,
            secret=_secret(approval_secret, keys),
            max_prompt_chars=max_prompt_chars,
            registry=RunRegistry(retention=stream_retention),
            mirror=_mirror(stream_mirror, stream_retention),
        )
        self._app: FastAPI | None = None

    @property
    def app(self) -> FastAPI:
        """The ASGI application (built once), for uvicorn, gunicorn or a test client."""
        if self._app is None:
            self._app = self._build()
        return self._app

    def _build(self) -> FastAPI:
        core = self._core

        @contextlib.asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            yield
            await core.registry.aclose()
            if core.mirror is not None:
                await core.mirror.aclose()

        app = FastAPI(
            title=self.title,
            description=self.description,
            version=_version(),
            lifespan=lifespan,
        )
        app.state.locus_core = core
        install_error_handlers(app)
        app.include_router(build_router(core, _version()))
        app.include_router(build_history_router(core))
        declare_bearer_auth(app)
        if self.playground:
            _add_playground(app)
        app.add_middleware(BodyLimitMiddleware, max_bytes=self.max_body_bytes)
        if self.observe:
            app.add_middleware(ObserveMiddleware)
        if self.cors_origins:
            app.add_middleware(
                CORSMiddleware,
                allow_origins=self.cors_origins,
                allow_methods=["GET", "POST", "DELETE"],
                allow_headers=["Authorization", "Content-Type", "Last-Event-ID"],
            )
        return app

    def run(self, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
        """Serve with uvicorn until interrupted (``options`` go to ``uvicorn.run``)."""
        import uvicorn

        uvicorn.run(self.app, host=host, port=port, **options)


def _add_playground(app: FastAPI) -> None:
    page = resources.files("locus.server").joinpath("_playground.html").read_text("utf-8")

    @app.get("/playground", include_in_schema=False)
    async def playground() -> HTMLResponse:
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("playground")


def _mirror(given: Any, retention: float) -> Any:
    if given is None or not isinstance(given, str):
        return given
    from locus.server._mirror import RedisStreamMirror

    return RedisStreamMirror(given, retention=retention)


def _secret(given: str | bytes | None, keys: ApiKeyAuth | None) -> bytes:
    if given is None:
        given = os.environ.get(SECRET_ENV) or None
    if given is not None:
        raw = given.encode("utf-8") if isinstance(given, str) else given
        return hashlib.sha256(b"locus-server-approval\x00" + raw).digest()
    if keys is not None:
        return hashlib.sha256(b"locus-server-approval\x00" + keys.secret()).digest()
    return secrets.token_bytes(32)
