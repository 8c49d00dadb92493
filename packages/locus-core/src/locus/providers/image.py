"""Original import path of the image protocol and result (vendor providers: locus.openai)."""

from __future__ import annotations

from locus.integrations._facade import serve
from locus.providers._types import BaseImageGenerationProvider, ImageResult

__all__ = ["BaseImageGenerationProvider", "ImageResult"]

# served by locus-openai (ImportError naming it when it is not installed)
OPENAI_NAMES = ("OpenAIImageProvider",)
__getattr__, _served = serve("openai", __name__, OPENAI_NAMES)


def __dir__() -> list[str]:
    return sorted({*__all__, *_served()})
