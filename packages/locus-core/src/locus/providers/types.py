"""Original import path of the result types."""

from __future__ import annotations

from locus.providers._types import SearchResult, WebPage

__all__ = ["SearchResult", "WebPage"]
