"""Fetching web pages safely: :class:`HTTPXWebFetcher`."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

from locus.core.errors import ValidationError
from locus.observability import emit
from locus.providers._html import html_to_text
from locus.providers._types import WebFetchError, WebPage

__all__ = ["HTTPXWebFetcher"]

_REDIRECTS = {301, 302, 303, 307, 308}


async def _system_resolve(host: str) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class HTTPXWebFetcher:
    """Fetches pages over HTTP(S) with ``httpx``: time and size limits, HTML to text, no SSRF.

    By default it refuses URLs whose host resolves to a private, loopback,
    link-local or otherwise non-public address (cloud metadata endpoints,
    the local network), checking again at every redirect. Bodies longer
    than ``max_bytes`` are cut there and the page is marked ``truncated``.

    Args:
        timeout_seconds: Limit for the whole fetch (connect, redirects, body).
        user_agent: The ``User-Agent`` header.
        follow_redirects: Follow up to ``max_redirects`` redirects.
        max_bytes: Most body bytes read (default 2 MB).
        max_redirects: Most redirects followed.
        allow_private: Allow non-public addresses (tests, intranet tools).
        keep_html: Keep the raw HTML in ``WebPage.html``.
        transport: An ``httpx`` async transport (tests).
        resolver: ``async (host) -> [address, ...]`` used for the address check
            (default: the system resolver).

    Raises:
        locus.core.errors.ValidationError: a limit is not positive.
    """

    def __init__(
        self,
        *,
        timeout_seconds: float = 10.0,
        user_agent: str = "locus-web-fetch/1.0",
        follow_redirects: bool = True,
        max_bytes: int = 2_000_000,
        max_redirects: int = 5,
        allow_private: bool = False,
        keep_html: bool = False,
        transport: Any = None,
        resolver: Callable[[str], Awaitable[list[str]]] | None = None,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValidationError(f"timeout_seconds must be > 0, got {timeout_seconds}")
        if max_bytes < 1:
            raise ValidationError(f"max_bytes must be >= 1, got {max_bytes}")
        self.timeout_seconds = timeout_seconds
        self.user_agent = user_agent
        self.follow_redirects = follow_redirects
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.allow_private = allow_private
        self.keep_html = keep_html
        self.transport = transport
        self.resolver = resolver or _system_resolve

    async def _check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WebFetchError(
                f"only http(s) URLs with a host can be fetched, got {url!r}",
                url=url,
                reason="bad_url",
            )
        if self.allow_private:
            return
        host = parts.hostname
        try:
            addresses = await self.resolver(host)
        except OSError as exc:
            raise WebFetchError(
                f"cannot resolve {host!r}: {exc}", url=url, reason="network", cause=exc
            ) from exc
        private = sorted({a for a in addresses if not _is_public(a)})
        if private:
            raise WebFetchError(
                f"refused to fetch {url!r}: {host!r} resolves to a non-public address "
                f"({', '.join(private)}); pass allow_private=True to fetch local addresses",
                url=url,
                reason="private_address",
            )

    async def fetch(self, url: str) -> WebPage:
        """Fetch ``url`` as a :class:`WebPage`.

        Raises:
            WebFetchError: a non-http(s) URL, a non-public address (unless
                ``allow_private``), a time-out, too many redirects, an HTTP
                status >= 400, or a network failure.
        """
        try:
            import httpx
        except ImportError as exc:  # pragma: no cover - the slim install
            raise WebFetchError(
                "HTTPXWebFetcher needs httpx: pip install httpx", url=url, reason="network"
            ) from exc
        try:
            async with asyncio.timeout(self.timeout_seconds):
                async with httpx.AsyncClient(
                    transport=self.transport,
                    headers={"User-Agent": self.user_agent},
                    timeout=self.timeout_seconds,
                    follow_redirects=False,
                ) as client:
                    page = await self._get(client, url)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise WebFetchError(
                f"fetching {url!r} took longer than {self.timeout_seconds} s",
                url=url,
                reason="timeout",
                cause=exc,
            ) from exc
        except httpx.HTTPError as exc:
            raise WebFetchError(
                f"fetching {url!r} failed: {type(exc).__name__}: {exc}",
                url=url,
                reason="network",
                cause=exc,
            ) from exc
        emit(
            "agent.web.fetched",
            url=page.url,
            status=page.status,
            chars=len(page.text),
            truncated=page.truncated,
        )
        return page

    async def _get(self, client: Any, url: str) -> WebPage:
        current = url
        for _ in range(self.max_redirects + 1):
            await self._check(current)
            async with client.stream("GET", current) as response:
                if response.status_code in _REDIRECTS and self.follow_redirects:
                    location = response.headers.get("location")
                    if location:
                        current = urljoin(current, location)
                        continue
                if response.status_code >= 400:
                    raise WebFetchError(
                        f"{current!r} answered HTTP {response.status_code}",
                        url=url,
                        reason="http_error",
                    )
                body = bytearray()
                truncated = False
                async for chunk in response.aiter_bytes():
                    body.extend(chunk)
                    if len(body) > self.max_bytes:
                        del body[self.max_bytes :]
                        truncated = True
                        break
                return self._page(str(response.url), response, bytes(body), truncated)
        raise WebFetchError(
            f"more than {self.max_redirects} redirects from {url!r}",
            url=url,
            reason="too_many_redirects",
        )

    def _page(self, final: str, response: Any, body: bytes, truncated: bool) -> WebPage:
        media = response.headers.get("content-type", "").split(";")[0].strip().lower()
        text = body.decode(response.encoding or "utf-8", errors="replace")
        if media in ("text/html", "application/xhtml+xml") or (
            not media and text.lstrip()[:15].lower().startswith(("<!doctype", "<html"))
        ):
            title, plain = html_to_text(text)
            html = text if self.keep_html else None
            return WebPage(
                url=final,
                status=response.status_code,
                title=title,
                text=plain,
                html=html,
                truncated=truncated,
                content_type=media,
            )
        return WebPage(
            url=final,
            status=response.status_code,
            text=text,
            truncated=truncated,
            content_type=media,
        )
