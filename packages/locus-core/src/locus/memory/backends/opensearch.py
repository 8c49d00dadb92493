"""The original locus's ``locus.memory.backends.opensearch`` path (locus-checkpoint-opensearch).

``OpenSearchBackend(config=OpenSearchConfig(hosts=[...], index_name=...))``
returns an ``OpenSearchCheckpointer`` (:mod:`locus.checkpoint.opensearch`)
owning a client on that host: ``username``/``password`` → ``http_auth``,
``use_ssl`` → HTTPS, ``verify_certs``/``ca_certs`` → the client. One host per
checkpointer: for a multi-host client build ``AsyncOpenSearch(hosts=[...])``
and pass it to ``OpenSearchCheckpointer(client)``. Without
locus-checkpoint-opensearch the call raises :class:`ImportError` naming it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from locus.core.errors import ValidationError
from locus.memory.backends._resolve import plugin_class

__all__ = ["OpenSearchBackend", "OpenSearchConfig"]


class OpenSearchConfig(BaseModel):
    """Where an :func:`OpenSearchBackend` keeps checkpoints."""

    hosts: list[str] = Field(default_factory=lambda: ["localhost:9200"])
    index_name: str = "locus-checkpoints"
    username: str | None = None
    password: str | None = None
    use_ssl: bool = False
    verify_certs: bool = True
    ca_certs: str | None = None

    def url(self) -> str:
        """The host as an ``http(s)://`` URL.

        Raises:
            ValidationError: Not exactly one host.
        """
        if len(self.hosts) != 1:
            raise ValidationError(
                f"OpenSearchConfig needs exactly one host here, got {self.hosts!r}; for several, "
                "pass OpenSearchCheckpointer(AsyncOpenSearch(hosts=[...]))"
            )
        host = self.hosts[0]
        if "://" in host:
            return host
        return f"{'https' if self.use_ssl else 'http'}://{host}"


def OpenSearchBackend(config: OpenSearchConfig | None = None, **options: Any) -> Any:
    """An ``OpenSearchCheckpointer`` configured by ``config``.

    Args:
        config: Host, index and TLS settings (default ``localhost:9200``).
        **options: More ``OpenSearchCheckpointer.from_url`` options (``refresh``, ``ttl``...).

    Raises:
        ValidationError: Not exactly one host.
        ImportError: locus-checkpoint-opensearch is not installed.
    """
    config = config or OpenSearchConfig()
    client_options = dict(options.pop("client_options", None) or {})
    client_options.setdefault("verify_certs", config.verify_certs)
    if config.ca_certs:
        client_options.setdefault("ca_certs", config.ca_certs)
    if config.username is not None:
        client_options.setdefault("http_auth", (config.username, config.password or ""))
    return plugin_class("OpenSearchCheckpointer").from_url(
        config.url(), index=config.index_name, client_options=client_options, **options
    )
