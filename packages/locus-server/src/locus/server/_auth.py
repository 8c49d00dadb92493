"""Who is calling: bearer API keys (constant-time) or a pluggable authenticator."""

from __future__ import annotations

import hashlib
import hmac
import inspect
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request

from locus.core.errors import ConfigError

__all__ = ["ApiKeyAuth", "Authenticator", "Forbidden", "bearer_token"]

Authenticator = Callable[[Request], str | Awaitable[str | None] | None]
"""``authenticator(request) -> user id`` (or ``None`` for "not authenticated": 401).

May be sync or async. Raise :class:`Forbidden` to answer 403 (authenticated
but not allowed). The returned user id scopes threads: a thread is visible
only to the user id that created it.
"""


class Forbidden(Exception):
    """Raised by an authenticator: the caller is known but may not use this server (403)."""


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, else ``None``."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8")).digest()


class ApiKeyAuth:
    """Bearer API keys, each mapped to a user id.

    Keys are compared as SHA-256 digests with :func:`hmac.compare_digest`
    against every configured key (no early exit), so the answer time does
    not depend on how much of a key matched or which key it was.

    Args:
        keys: One key (its user id is ``"default"``) or ``{key: user_id}``.

    Raises:
        locus.core.errors.ConfigError: no key, or an empty key.
    """

    def __init__(self, keys: str | Mapping[str, str]) -> None:
        mapping = {keys: "default"} if isinstance(keys, str) else dict(keys)
        if not mapping or any(not k for k in mapping):
            raise ConfigError("ApiKeyAuth needs at least one non-empty API key.")
        self._keys = [(_digest(key), user) for key, user in mapping.items()]

    def __call__(self, request: Request) -> str | None:
        """The user id of the request's bearer key, or ``None``."""
        token = bearer_token(request)
        presented = _digest(token or "")
        found: str | None = None
        for digest, user in self._keys:
            if hmac.compare_digest(digest, presented) and token is not None:
                found = user
        return found

    def secret(self) -> bytes:
        """Key material derived from the configured keys (for approval tokens)."""
        return hashlib.sha256(b"".join(sorted(d for d, _ in self._keys))).digest()


async def authenticate(authenticator: Authenticator, request: Request) -> str | None:
    """Call a sync or async authenticator."""
    outcome = authenticator(request)
    if inspect.isawaitable(outcome):
        return await outcome
    return outcome
