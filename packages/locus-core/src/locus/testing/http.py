"""Recorded HTTP for provider tests: canned responses through ``httpx.MockTransport``.

Provider SDKs (openai, anthropic, oci, ...) send through an ``httpx``-compatible
client. Hand them a client whose transport plays responses you queued (usually
recorded fixture files) and records each request, and a provider's tests run
offline and can assert what it sent::

    from locus.testing.http import RecordedHTTP, SleepRecorder

    http = RecordedHTTP(Path(__file__).parent / "fixtures")
    http.add("chat_text.json").add("error_429.json", status=429)
    model = MyModel(http_client=http.client(), sleep=SleepRecorder())
    ...
    assert http.body()["model"] == "my-model"

``httpx`` is imported lazily, on first use, so this module imports without it
(locus-core does not depend on httpx). SDKs that ship their own fork of httpx
(the anthropic SDK's ``httpx2``) pass that module as ``httpx_module``.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeAlias

__all__ = ["Body", "RecordedHTTP", "SleepRecorder", "fixture_response"]

Body: TypeAlias = str | bytes | Mapping[str, Any] | Sequence[Any]
"""What :meth:`RecordedHTTP.add` plays: a fixture file name, raw bytes, or JSON data."""


def _default_httpx() -> Any:
    try:
        return importlib.import_module("httpx")
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "locus.testing.http needs httpx: install it (pip install httpx, or "
            "locus-core[test]) or pass your SDK's httpx-compatible module as httpx_module"
        ) from exc


def _content_type(name: str | None) -> str:
    return "text/event-stream" if name is not None and name.endswith(".sse") else "application/json"


def fixture_response(
    name_or_body: Body,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    fixtures: str | os.PathLike[str] | None = None,
    httpx_module: Any = None,
    strict: bool = True,
) -> Any:
    """Build one HTTP response whose body is a fixture file, raw bytes or JSON data.

    Args:
        name_or_body: A ``str`` is a file name under ``fixtures`` (a ``.sse``
            file is served as ``text/event-stream``, anything else as
            ``application/json``); ``bytes`` are the body as is; a mapping or
            a list is JSON-encoded.
        status: The HTTP status code.
        headers: Extra response headers; they override the content type.
        fixtures: The directory fixture names are relative to (default: the
            current directory).
        httpx_module: The httpx-compatible module to build the response with
            (default: ``httpx``, imported now).
        strict: When ``False``, a ``str`` that names no existing file is used
            as the raw body instead of raising.

    Returns:
        An ``httpx_module.Response``.

    Raises:
        FileNotFoundError: ``strict`` and the fixture file does not exist.
        TypeError: ``name_or_body`` is of an unsupported type.
    """
    module = httpx_module if httpx_module is not None else _default_httpx()
    name: str | None = None
    if isinstance(name_or_body, str):
        path = Path(fixtures if fixtures is not None else ".") / name_or_body
        if path.is_file():
            name, content = name_or_body, path.read_bytes()
        elif strict:
            raise FileNotFoundError(
                f"no fixture file {name_or_body!r} in {path.parent}: record it there, "
                "pass bytes for a raw body, or use strict=False to send the text as the body"
            )
        else:
            content = name_or_body.encode()
    elif isinstance(name_or_body, bytes | bytearray):
        content = bytes(name_or_body)
    elif isinstance(name_or_body, Mapping | Sequence):
        content = json.dumps(name_or_body).encode()
    else:
        raise TypeError(
            "expected a fixture name (str), a raw body (bytes) or JSON data (dict or list), "
            f"got {type(name_or_body).__name__}"
        )
    all_headers = {"content-type": _content_type(name), **(headers or {})}
    return module.Response(status, content=content, headers=all_headers)


class RecordedHTTP:
    """Plays queued responses, in order, and records every request sent.

    Args:
        fixtures: The directory holding recorded response files.
        httpx_module: The httpx-compatible module your SDK uses (default:
            ``httpx``, imported on first use). The anthropic SDK uses ``httpx2``.
        strict: When ``False``, :meth:`add` with a ``str`` that names no
            fixture file sends that text as the raw body.

    Attributes:
        queue: Responses not yet played (append prebuilt responses here).
        requests: Every request received, oldest first.

    A request arriving when the queue is empty fails with ``AssertionError``
    naming the method and URL, so an unexpected retry or extra call is loud.
    """

    def __init__(
        self,
        fixtures: str | os.PathLike[str] | None = None,
        *,
        httpx_module: Any = None,
        strict: bool = True,
    ) -> None:
        self.fixtures = Path(fixtures) if fixtures is not None else Path(".")
        self.strict = strict
        self._module = httpx_module
        self.queue: list[Any] = []
        self.requests: list[Any] = []

    @property
    def httpx(self) -> Any:
        """The httpx-compatible module in use (imports ``httpx`` on first access)."""
        if self._module is None:
            self._module = _default_httpx()
        return self._module

    def response(
        self, name_or_body: Body, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> Any:
        """Build a response as :meth:`add` would, without queueing it."""
        return fixture_response(
            name_or_body,
            status,
            headers,
            fixtures=self.fixtures,
            httpx_module=self.httpx,
            strict=self.strict,
        )

    def add(
        self, name_or_body: Body, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> RecordedHTTP:
        """Queue a response (see :func:`fixture_response`); returns ``self`` to chain."""
        self.queue.append(self.response(name_or_body, status, headers))
        return self

    def handler(self, request: Any) -> Any:
        """The ``MockTransport`` handler: record ``request``, play the next response."""
        self.requests.append(request)
        if not self.queue:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        return self.queue.pop(0)

    def transport(self) -> Any:
        """A ``MockTransport`` over :meth:`handler` (sync and async clients accept it)."""
        return self.httpx.MockTransport(self.handler)

    def client(self, **kwargs: Any) -> Any:
        """An ``AsyncClient`` over :meth:`transport`; ``kwargs`` go to the client."""
        return self.httpx.AsyncClient(transport=self.transport(), **kwargs)

    def sync_client(self, **kwargs: Any) -> Any:
        """A blocking ``Client`` over :meth:`transport`; ``kwargs`` go to the client."""
        return self.httpx.Client(transport=self.transport(), **kwargs)

    def body(self, index: int = -1) -> Any:
        """The JSON body of request ``index`` (default: the last one), decoded.

        Raises:
            AssertionError: No request with that index was recorded.
        """
        try:
            request = self.requests[index]
        except IndexError:
            raise AssertionError(
                f"no request {index} recorded ({len(self.requests)} received)"
            ) from None
        return json.loads(request.content)


class SleepRecorder:
    """An async ``sleep`` stand-in that returns at once and records each wait.

    Pass it wherever code accepts an injectable ``sleep`` (retry back-off) to
    keep tests fast and assert the waits.

    Args:
        waits: The list to append to (default: a new one); share a list with
            a fixture to keep asserting on a plain ``list[float]``.

    Example::

        sleep = SleepRecorder()
        await sleep(1.5)
        assert sleep.waits == [1.5]
    """

    def __init__(self, waits: list[float] | None = None) -> None:
        self.waits: list[float] = waits if waits is not None else []

    async def __call__(self, seconds: float) -> None:
        """Record ``seconds`` and return without waiting."""
        self.waits.append(seconds)

    @property
    def total(self) -> float:
        """The sum of every recorded wait."""
        return sum(self.waits)

    def __repr__(self) -> str:
        return f"SleepRecorder(waits={self.waits!r})"
