"""Multimodal providers: web search and fetch, image generation, speech; and tools over them.

Protocols and the vendor-free ``HTTPXWebFetcher`` live here; vendor
implementations live in their distributions (``locus.openai.OpenAIImageProvider``,
``OpenAISpeechProvider``, ``OpenAISearchPreviewProvider``). See docs/multimodal.md.
"""

from __future__ import annotations

from locus.integrations._facade import serve
from locus.providers._fetch import HTTPXWebFetcher
from locus.providers._html import html_to_text
from locus.providers._tools import (
    auto_register,
    make_image_generation_tool,
    make_speech_tools,
    make_web_fetch_tool,
    make_web_search_tool,
)
from locus.providers._types import (
    BaseImageGenerationProvider,
    BaseSpeechProvider,
    BaseWebFetchProvider,
    BaseWebSearchProvider,
    ImageResult,
    ProviderError,
    SearchResult,
    SpeechTranscript,
    SynthesizedAudio,
    WebFetchError,
    WebPage,
)

__all__ = [
    "BaseImageGenerationProvider",
    "BaseSpeechProvider",
    "BaseWebFetchProvider",
    "BaseWebSearchProvider",
    "HTTPXWebFetcher",
    "ImageResult",
    "ProviderError",
    "SearchResult",
    "SpeechTranscript",
    "SynthesizedAudio",
    "WebFetchError",
    "WebPage",
    "auto_register",
    "html_to_text",
    "make_image_generation_tool",
    "make_speech_tools",
    "make_web_fetch_tool",
    "make_web_search_tool",
]

# served by locus-openai (ImportError naming it when it is not installed)
OPENAI_NAMES = (
    "OpenAIImageProvider",
    "OpenAISearchPreviewProvider",
    "OpenAISpeechProvider",
)
__getattr__, _served = serve("openai", __name__, OPENAI_NAMES)


def __dir__() -> list[str]:
    return sorted({*__all__, *_served()})
