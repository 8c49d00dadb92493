""":class:`A2AServer`: a locus agent behind the official a2a-sdk server."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

import locus.a2a.spec as spec
from a2a.compat.v0_3 import conversions
from a2a.server.request_handlers import DefaultRequestHandlerV2
from a2a.server.routes import create_agent_card_routes, create_jsonrpc_routes
from a2a.server.tasks import InMemoryTaskStore, TaskStore
from a2a.types import (
    AgentCapabilities,
    AgentCard,
    AgentInterface,
    AgentProvider,
    AgentSkill,
    HTTPAuthSecurityScheme,
    SecurityRequirement,
    SecurityScheme,
    StringList,
)
from a2a.utils.constants import PROTOCOL_VERSION_0_3, PROTOCOL_VERSION_CURRENT
from locus.a2a._executor import LocusAgentExecutor
from locus.core.errors import ConfigError

__all__ = ["LEGACY_CARD_PATH", "A2AServer"]

LEGACY_CARD_PATH = "/.well-known/agent.json"
"""Where A2A v0.2 clients look for the card (served too)."""


class A2AServer:
    """Serve a locus agent over the Agent2Agent protocol (a2a-sdk, JSON-RPC binding).

    The agent card is at ``/.well-known/agent-card.json`` (and the legacy
    ``/.well-known/agent.json``); JSON-RPC at ``/`` answers the v1.0 methods
    (``SendMessage``, ``SendStreamingMessage``, ``GetTask``, ``CancelTask``...)
    and, for v0.3 clients, ``message/send``, ``message/stream``, ``tasks/get``
    and ``tasks/cancel``. One A2A context is one agent thread.

    Args:
        agent: A locus Agent (or an object with ``run``/``invoke``).
        name: Card name.
        description: Card description (default: the agent's description).
        skills: ``AgentSkill`` s (:mod:`locus.a2a.types`), or skill names
            (one skill each).
        url: Public base URL of this server (written in the card); default:
            the URL each card request came to.
        provider: The card's provider (``locus.a2a.types.AgentProvider``).
        version: The agent's version.
        api_key: Bearer key required on JSON-RPC calls (the card stays public).
        allow_unauthenticated: Serve without a key (local development).
        task_store: a2a-sdk task store (default in memory; the SDK's database
            store makes tasks survive restarts).
        observe: Publish each task's events (``a2a.task.*`` and the agent's)
            on the EventBus under a run whose id is the task id.

    Raises:
        locus.core.errors.ConfigError: no ``api_key`` and not ``allow_unauthenticated``.
    """

    def __init__(
        self,
        agent: Any,
        name: str = "Locus Agent",
        description: str = "",
        skills: Sequence[AgentSkill | spec.AgentSkill | str] | None = None,
        url: str = "",
        provider: AgentProvider | spec.AgentProvider | None = None,
        version: str = "0.1.0",
        api_key: str | None = None,
        allow_unauthenticated: bool = False,
        *,
        task_store: TaskStore | None = None,
        observe: bool = False,
    ) -> None:
        if not api_key and not allow_unauthenticated:
            raise ConfigError(
                "A2AServer has no api_key: pass api_key=... or allow_unauthenticated=True "
                "for local development."
            )
        self.agent = agent
        self.url = url
        self.api_key = api_key or None
        self.card = _card(
            name=name,
            description=description or str(getattr(agent, "description", "") or name),
            skills=skills,
            url=url,
            provider=provider,
            version=version,
            secured=self.api_key is not None,
        )
        self.handler = DefaultRequestHandlerV2(
            agent_executor=LocusAgentExecutor(agent, name, observe=observe),
            task_store=task_store or InMemoryTaskStore(),
            agent_card=self.card,
        )
        self._app: ASGIApp | None = None

    @property
    def app(self) -> ASGIApp:
        """The ASGI application (card routes + JSON-RPC), built once."""
        if self._app is None:
            modifier = None if self.url else _card_at_request_url
            routes = [
                *create_agent_card_routes(self.card, card_modifier=modifier),
                *create_agent_card_routes(
                    self.card, card_modifier=modifier, card_url=LEGACY_CARD_PATH
                ),
                *create_jsonrpc_routes(self.handler, "/", enable_v0_3_compat=True),
            ]
            app: ASGIApp = _RememberBaseUrl(Starlette(routes=routes))
            if self.api_key is not None:
                app = _BearerGuard(app, self.api_key)
            self._app = app
        return self._app

    def run(self, host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
        """Serve with uvicorn until interrupted."""
        import uvicorn

        uvicorn.run(self.app, host=host, port=port, **options)


def _card(
    *,
    name: str,
    description: str,
    skills: Sequence[AgentSkill | spec.AgentSkill | str] | None,
    url: str,
    provider: AgentProvider | spec.AgentProvider | None,
    version: str,
    secured: bool,
) -> AgentCard:
    built: list[AgentSkill] = []
    for skill in skills or [name]:
        if isinstance(skill, AgentSkill):
            built.append(skill)
        elif isinstance(skill, spec.AgentSkill):  # the JSON model: converted
            built.append(conversions.to_core_agent_skill(skill))
        else:
            built.append(
                AgentSkill(
                    id=_slug(str(skill)),
                    name=str(skill),
                    description=str(skill),
                    tags=[_slug(str(skill))],
                )
            )
    card = AgentCard(
        name=name,
        description=description,
        version=version,
        supported_interfaces=[  # one endpoint, both protocol versions
            AgentInterface(
                url=url, protocol_binding="JSONRPC", protocol_version=PROTOCOL_VERSION_CURRENT
            ),
            AgentInterface(
                url=url, protocol_binding="JSONRPC", protocol_version=PROTOCOL_VERSION_0_3
            ),
        ],
        capabilities=AgentCapabilities(streaming=True, push_notifications=False),
        default_input_modes=["text/plain"],
        default_output_modes=["text/plain"],
        skills=built,
    )
    if isinstance(provider, spec.AgentProvider):
        provider = conversions.to_core_agent_provider(provider)
    if provider is not None:
        card.provider.CopyFrom(provider)
    if secured:
        card.security_schemes["bearer"].CopyFrom(
            SecurityScheme(http_auth_security_scheme=HTTPAuthSecurityScheme(scheme="bearer"))
        )
        card.security_requirements.append(SecurityRequirement(schemes={"bearer": StringList()}))
    return card


_BASE_URL: ContextVar[str] = ContextVar("locus_a2a_base_url", default="")


class _RememberBaseUrl:
    """Remember the URL a request came to, so a card without ``url=`` points back there."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            token = _BASE_URL.set(str(Request(scope).base_url))
            try:
                await self.app(scope, receive, send)
            finally:
                _BASE_URL.reset(token)
            return
        await self.app(scope, receive, send)


async def _card_at_request_url(card: AgentCard) -> AgentCard:
    served = AgentCard()
    served.CopyFrom(card)
    for interface in served.supported_interfaces:
        interface.url = _BASE_URL.get()
    return served


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "skill"


class _BearerGuard:
    """Require ``Authorization: Bearer <key>`` on everything but the agent cards."""

    def __init__(self, app: ASGIApp, key: str) -> None:
        self.app = app
        self.key = key.encode("utf-8")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/.well-known/"):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        ok = scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode("utf-8"), self.key
        )
        if not ok:
            response: Response = JSONResponse(
                {
                    "error": {
                        "kind": "unauthorized",
                        "message": "Send 'Authorization: Bearer <key>'.",
                    }
                },
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
