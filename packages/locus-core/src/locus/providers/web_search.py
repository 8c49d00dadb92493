"""Original import path of the web-search protocol (OpenAISearchPreviewProvider: locus.openai)."""

from __future__ import annotations

from locus.providers._types import BaseWebSearchProvider

__all__ = ["BaseWebSearchProvider"]
