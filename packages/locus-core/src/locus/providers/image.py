"""Original import path of the image protocol and result (vendor providers: locus.openai)."""

from __future__ import annotations

from locus.providers._types import BaseImageGenerationProvider, ImageResult

__all__ = ["BaseImageGenerationProvider", "ImageResult"]
