"""Original import path of the web-fetch protocol and fetcher."""

from __future__ import annotations

from locus.providers._fetch import HTTPXWebFetcher
from locus.providers._types import BaseWebFetchProvider

__all__ = ["BaseWebFetchProvider", "HTTPXWebFetcher"]
