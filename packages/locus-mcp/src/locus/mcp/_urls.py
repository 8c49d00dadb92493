"""The URL allow-list of :class:`~locus.mcp.MCPClient`.

An MCP server URL usually comes from configuration a model or a user can
influence, so by default the client refuses anything that would reach into
the local network: loopback, private (RFC 1918, ``fc00::/7``), link-local
(``169.254.0.0/16``, cloud metadata endpoints live there), multicast,
reserved and unspecified addresses. Host names are resolved and every
address they resolve to is checked.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Collection
from urllib.parse import urlsplit

from locus.mcp._errors import MCPURLNotAllowedError

__all__ = ["check_url", "is_private_address"]

_SCHEMES = ("http", "https")


def is_private_address(address: str) -> bool:
    """True for loopback, private, link-local, multicast, reserved or unspecified IPs."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def _resolve(host: str, port: int) -> list[str]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise MCPURLNotAllowedError(
            f"Cannot resolve the MCP server host {host!r}: {exc}. Check the URL.", cause=exc
        ) from exc
    return sorted({str(info[4][0]) for info in infos})


async def check_url(
    url: str,
    *,
    allow_private: bool = False,
    allowed_hosts: Collection[str] | None = None,
) -> None:
    """Refuse ``url`` unless it is http(s), its host is allowed and it is not private.

    Args:
        url: The MCP server URL.
        allow_private: Accept loopback, private and link-local addresses.
        allowed_hosts: When given, the only host names (or IPs) accepted.

    Raises:
        MCPURLNotAllowedError: The URL is refused; the message says why and how to allow it.
    """
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise MCPURLNotAllowedError(
            f"MCP server URL {url!r} must use http or https, not {parts.scheme or 'no scheme'!r}."
        )
    host = parts.hostname
    if not host:
        raise MCPURLNotAllowedError(f"MCP server URL {url!r} has no host.")
    if allowed_hosts is not None and host not in allowed_hosts:
        raise MCPURLNotAllowedError(
            f"MCP server host {host!r} is not in allowed_hosts "
            f"({', '.join(sorted(allowed_hosts))}). Add it to allowed_hosts to connect."
        )
    if allow_private:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for address in await _resolve(host, port):
        if is_private_address(address):
            raise MCPURLNotAllowedError(
                f"MCP server URL {url!r} resolves to {address}, a private, loopback or "
                "link-local address. Pass allow_private_url=True to connect to a server "
                "on your own network."
            )
