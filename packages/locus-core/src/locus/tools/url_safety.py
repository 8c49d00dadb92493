"""The original locus's ``locus.tools.url_safety``: is a URL safe for a tool to fetch?

The same rule :class:`locus.providers.HTTPXWebFetcher` applies before every
request and redirect: an ``http(s)`` URL with a host whose every address is
public (not private, loopback, link-local, reserved or multicast; cloud
metadata endpoints included). This is a synchronous check that resolves the
host with the system resolver; the fetcher re-checks each redirect itself.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from locus.core.errors import ValidationError
from locus.providers._fetch import _is_public

__all__ = ["is_safe_url", "validate_url"]


def _problem(url: str, allow_private: bool | None) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"only http(s) URLs with a host are allowed, got {url!r}"
    if allow_private:
        return None
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError as exc:
        return f"cannot resolve {host!r}: {exc}"
    private = sorted({str(info[4][0]) for info in infos if not _is_public(str(info[4][0]))})
    if private:
        return f"{host!r} resolves to a non-public address ({', '.join(private)})"
    return None


def is_safe_url(url: str, *, allow_private: bool | None = None) -> bool:
    """Whether ``url`` is an http(s) URL whose host resolves only to public addresses.

    Args:
        url: The URL to check.
        allow_private: Accept non-public addresses too (only the scheme and
            host are checked). ``None`` is ``False``.
    """
    return _problem(url, allow_private) is None


def validate_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise unless :func:`is_safe_url` accepts ``url``.

    Raises:
        locus.core.errors.ValidationError: Not http(s), no host, the host does
            not resolve, or it resolves to a non-public address.
    """
    problem = _problem(url, allow_private)
    if problem is not None:
        raise ValidationError(f"unsafe URL {url!r}: {problem}")
