"""Where Ollama listens: ``OLLAMA_HOST`` → the OpenAI-compatible ``/v1`` root."""

from __future__ import annotations

import os

__all__ = ["DEFAULT_HOST", "ollama_base_url"]

DEFAULT_HOST = "http://localhost:11434"
_DEFAULT_PORT = 11434


def ollama_base_url(host: str | None = None) -> str:
    """The ``/v1`` base URL for ``host`` (default: ``OLLAMA_HOST``, then localhost:11434).

    Accepts what ``OLLAMA_HOST`` accepts: ``host``, ``host:port`` or a full
    URL; a missing scheme means ``http``, a missing port 11434 (80/443 for an
    explicit ``http``/``https`` URL without a port). A value already ending in
    ``/v1`` is kept.
    """
    value = (host or os.environ.get("OLLAMA_HOST") or DEFAULT_HOST).strip().rstrip("/")
    if value.endswith("/v1"):
        return value
    if "://" in value:
        scheme, _, rest = value.partition("://")
    else:
        scheme, rest = "http", value
        hostport, _, _path = rest.partition("/")
        if ":" not in hostport.rsplit("]", 1)[-1]:
            rest = rest.replace(hostport, f"{hostport}:{_DEFAULT_PORT}", 1)
    return f"{scheme}://{rest}/v1"
